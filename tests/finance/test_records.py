"""Record adapters: every shape the API sends becomes the same frozen view; unusable required fields say which."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal

import pytest

from flowtly_mcp.finance.records import BankTransaction, ClientView, CounterpartyView, InvoiceView, RowView
from flowtly_mcp.finance.vat import RowAmounts
from flowtly_mcp.finance.wire import collection_members, iri_id, parse_date

from .builders import invoice_json

FULL_INVOICE = {
    "@context": "/api/contexts/Invoice",
    "@id": "/api/invoices/12",
    "@type": "Invoice",
    "id": 12,
    "name": "FV/2026/10/0012",
    "type": "VAT",
    "parent": None,
    "client": "/api/clients/3",
    "tinType": "NIP",
    "tinCountry": "PL",
    "tin": "8567346215",
    "currency": "EUR",
    "conversionRate": 4.3012,
    "amountNet": 1000.0,
    "amount": 1230.0,
    "issueDate": "2026-10-01T00:00:00+00:00",
    "saleDate": "2026-09-30T00:00:00+02:00",
    "dueDate": "2026-10-15T00:00:00+00:00",
    "status": "partially_paid",
    "invoiceRows": [
        {
            "@id": "/api/invoice-rows/5",
            "id": 5,
            "productName": "Consulting",
            "unit": "h",
            "quantity": 10,
            "vatRate": "23",
            "netPrice": "100.00",
            "netDiscountAmount": "0.00",
        },
    ],
    "invoiceTransactions": [
        {
            "@id": "/api/invoice-transactions/1",
            "id": 1,
            "invoice": "/api/invoices/12",
            "transaction": "/api/transactions/txn_904",
            "amount": 200.5,
            "date": "2026-10-05T00:00:00+00:00",
        },
        {"id": 2, "invoice": "/api/invoices/12", "transaction": None, "amount": "29.50", "date": "2026-10-06"},
    ],
    "eInvoicing": {
        "@id": "/api/e-invoicing/9",
        "id": 9,
        "provider": "ksef",
        "status": "success",
        "statusCode": 200,
        "einvoicingNumber": "5265877635-20250826-0100001AF629-AF",
    },
    "someFieldTheDocsDoNotList": {"nested": [1, 2, 3]},
}


def test_invoice_view_reads_a_full_json_ld_invoice() -> None:
    view = InvoiceView.from_api(FULL_INVOICE)
    assert view.id == "12"
    assert view.number == "FV/2026/10/0012"
    assert view.client_id == "3"
    assert view.currency == "EUR"
    assert view.conversion_rate == Decimal("4.3012")
    assert (view.issue_date, view.sale_date, view.due_date) == (
        date(2026, 10, 1),
        date(2026, 9, 30),
        date(2026, 10, 15),
    )
    assert view.net == Decimal("1000.0")
    assert view.gross == Decimal("1230.0")
    assert view.paid == Decimal("230.00")  # 200.5 + 29.50
    assert view.open == Decimal("1000.00")
    assert view.status == "partially_paid"
    assert view.ksef_number == "5265877635-20250826-0100001AF629-AF"
    assert (view.ksef_status, view.ksef_status_code) == ("success", 200)
    assert (view.buyer_tin, view.buyer_tin_type, view.buyer_tin_country) == ("8567346215", "NIP", "PL")
    assert view.rows[0].amounts == RowAmounts(Decimal("1000.00"), Decimal("230.00"), Decimal("1230.00"))
    assert [p.transaction_id for p in view.payments] == ["txn_904", None]
    assert view.payments[0].date == date(2026, 10, 5)
    assert view.unresolved_payments == 0
    assert not view.is_draft


def test_invoice_view_is_frozen() -> None:
    view = InvoiceView.from_api(FULL_INVOICE)
    with pytest.raises(FrozenInstanceError):
        view.open = Decimal(0)  # type: ignore[misc]


def test_plain_json_invoice_with_string_amounts_and_id_only_from_at_id() -> None:
    record = {"@id": "/api/invoices/77", "name": "FV/1", "amount": "99.99", "client": {"@id": "/api/clients/4"}}
    view = InvoiceView.from_api(record)
    assert (view.id, view.client_id, view.gross, view.open) == ("77", "4", Decimal("99.99"), Decimal("99.99"))
    assert view.currency == "PLN"  # currency left null: the organisation's home currency
    assert view.issue_date is None and view.due_date is None and view.ksef_number is None
    assert InvoiceView.from_api(record, default_currency="EUR").currency == "EUR"


def test_gross_and_net_come_from_rows_when_the_totals_are_absent() -> None:
    record = {
        "id": 1,
        "invoiceRows": [
            {"quantity": 3, "netPrice": "33.33", "vatRate": "23"},  # net 99.99, VAT 23.00 (22.9977 half-up)
            {"quantity": "1", "netPrice": "10.005", "vatRate": "8"},  # net 10.01 (half-up), VAT 0.80
            {"quantity": 2, "netPrice": "50", "vatRate": "zw", "netDiscountAmount": "10"},  # net 90.00, VAT 0
        ],
    }
    view = InvoiceView.from_api(record)
    assert view.net == Decimal("200.00")
    assert view.gross == Decimal("223.80")


def test_bare_iri_payments_are_counted_not_guessed() -> None:
    record = invoice_json(1, "FV/1", 100, paid=(40,))
    record["invoiceTransactions"].append("/api/invoice-transactions/999")
    view = InvoiceView.from_api(record)
    assert view.paid == Decimal(40)
    assert view.unresolved_payments == 1


def test_null_payment_amount_moves_no_money() -> None:
    record = invoice_json(1, "FV/1", 100)
    record["invoiceTransactions"] = [{"id": 1, "amount": None, "date": "2026-10-01"}]
    assert InvoiceView.from_api(record).open == Decimal(100)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"name": "FV/1", "amount": 10}, "neither 'id' nor '@id'"),
        ({"id": 5, "name": "FV/1"}, "invoice 5: field 'amount' is missing"),
        ({"id": 5, "amount": "ten"}, "invoice 5: field 'amount' is not an amount: 'ten'"),
        ({"id": 5, "amount": 10, "dueDate": "15.10.2026"}, "invoice 5: field 'dueDate' is not an ISO date"),
        ({"id": 5, "amount": 10, "conversionRate": "x"}, "invoice 5: field 'conversionRate'"),
        ({"id": 5, "amount": 10, "invoiceTransactions": [{"amount": "?"}]}, "invoice transaction"),
    ],
)
def test_unusable_required_or_typed_fields_raise_a_clear_error(record: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("?", r"\?")):
        InvoiceView.from_api(record)


def test_non_object_records_are_refused() -> None:
    with pytest.raises(ValueError, match="expected a JSON object"):
        InvoiceView.from_api(["not", "a", "record"])  # type: ignore[arg-type]


def test_row_with_unknown_rate_has_no_amounts_but_does_not_fail() -> None:
    row = RowView.from_api({"id": 3, "productName": "X", "quantity": 1, "netPrice": "5", "vatRate": "17"})
    assert row.amounts is None
    assert row.id == "3"


def test_bank_transaction_reads_dates_titles_and_the_sender() -> None:
    record = {
        "@id": "/api/transactions/txn_904",
        "id": "txn_904",
        "bankAccount": "PL61109010140000071219812874",
        "counterparty": {
            "@id": "/api/counterparties/7",
            "displayName": "ACME sp. z o.o.",
            "tin": "8567346215",
            "bankAccounts": ["27 1140 2004 0000 3002 0135 5387"],
        },
        "counterpartyAccount": "PL10105000997603123456789123",
        "counterpartyName": "SOMEONE ELSE",
        "description": "FV/2026/10/0012",
        "amount": 1230.5,
        "currency": "PLN",
        "orderDate": "2026-10-19T10:00:00+02:00",
        "execDate": "2026-10-20T00:00:00+02:00",
        "ignored": 0,
        "unlisted": True,
    }
    txn = BankTransaction.from_api(record)
    assert txn.id == "txn_904"
    assert txn.amount == Decimal("1230.5")
    assert txn.date == date(2026, 10, 20)
    assert txn.title == "FV/2026/10/0012"
    assert txn.counterparty_id == "7"
    assert txn.counterparty_name == "ACME sp. z o.o."
    # Undocumented fields (counterpartyAccount, counterpartyName) are not read.
    assert txn.counterparty_accounts == ("PL27114020040000300201355387",)
    assert txn.counterparty_tin == "8567346215"
    assert txn.bank_account == "PL61109010140000071219812874"
    assert txn.currency == "PLN"
    assert BankTransaction.from_api(record, account_currencies={}).currency == "unknown"
    assert not txn.ignored


def test_a_payment_currency_comes_from_the_account_it_arrived_in_never_from_a_default() -> None:
    record = {
        "id": "txn_1",
        "amount": "5.00",
        "execDate": "2026-01-02",
        "bankAccount": "PL61 1090 1014 0000 0712 1981 2874",
    }
    eur = {"PL61109010140000071219812874": "eur"}
    assert BankTransaction.from_api(record, account_currencies=eur).currency == "EUR"
    spaced = {"PL61 1090 1014 0000 0712 1981 2874": "EUR"}
    assert BankTransaction.from_api(record, account_currencies=spaced).known_currency == "EUR"
    other = {"PL27114020040000300201355387": "PLN"}
    assert BankTransaction.from_api(record, account_currencies=other).known_currency is None
    # A served currency counts only for callers that pass no accounts; a missing one is never PLN.
    assert BankTransaction.from_api({**record, "currency": "EUR"}, account_currencies=other).known_currency is None
    assert BankTransaction.from_api({**record, "currency": "eur"}).known_currency == "EUR"
    assert BankTransaction.from_api(record).known_currency is None
    assert BankTransaction.from_api({**record, "bankAccount": None}, account_currencies=eur).known_currency is None


def test_bank_transaction_falls_back_to_the_order_date_and_needs_some_date() -> None:
    base = {"id": "txn_1", "amount": "5.00", "orderDate": "2026-01-02"}
    assert BankTransaction.from_api(base).date == date(2026, 1, 2)
    assert BankTransaction.from_api({**base, "ignored": 1}).ignored
    with pytest.raises(ValueError, match="transaction txn_1: field 'execDate / orderDate / relatedDate / date'"):
        BankTransaction.from_api({"id": "txn_1", "amount": "5.00"})
    with pytest.raises(ValueError, match="transaction txn_1: field 'amount' is missing"):
        BankTransaction.from_api({"id": "txn_1", "execDate": "2026-01-02"})


def test_counterparty_and_client_views() -> None:
    cp = CounterpartyView.from_api(
        {
            "@id": "/api/counterparties/7",
            "displayName": "ACME",
            "tin": None,
            "clientTin": "PL8567346215",
            "client": "/api/clients/3",
            "bankAccounts": ["PL61 1090 1014 0000 0712 1981 2874", {"iban": "BE31435411161155"}, 42, ""],
            "transactionsCount": 12,
        }
    )
    assert (cp.id, cp.client_id, cp.transactions_count) == ("7", "3", 12)
    assert cp.bank_accounts == ("PL61 1090 1014 0000 0712 1981 2874", "BE31435411161155")
    assert cp.tins == ("PL8567346215",)
    cl = ClientView.from_api(
        {"id": 3, "name": "ACME", "currency": "/api/currencies/eur", "tin": "8567346215", "dueDays": "14"}
    )
    assert (cl.id, cl.currency, cl.due_days, cl.tin) == ("3", "EUR", 14, "8567346215")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/api/clients/3", "3"),
        ("/clients/3", "3"),
        ("https://api.flowtly.eu/api/clients/3/", "3"),
        ("/api/clients/3?x=1", "3"),
        (3, "3"),
        ({"@id": "/api/clients/3"}, "3"),
        ({"id": "bgt_fy25"}, "bgt_fy25"),
        (None, None),
        ("", None),
        (True, None),
    ],
)
def test_iri_id_accepts_every_reference_shape(value: object, expected: str | None) -> None:
    assert iri_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-01", date(2026, 10, 1)),
        ("2026-10-01T23:30:00+02:00", date(2026, 10, 1)),
        ("2026-10-01T00:00:00Z", date(2026, 10, 1)),
        ("01.10.2026", None),
        (20261001, None),
    ],
)
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_collection_members_accepts_prefixed_unprefixed_and_plain_lists() -> None:
    item = {"@id": "/api/invoices/1"}
    assert collection_members({"hydra:member": [item], "hydra:totalItems": 1}) == [item]
    assert collection_members({"member": [item, "junk"]}) == [item]
    assert collection_members([item]) == [item]
    assert collection_members({"detail": "Not Found"}) == []
    assert collection_members("nonsense") == []


def test_an_odd_ksef_status_code_does_not_make_the_invoice_unreadable() -> None:
    record = invoice_json(1, "FV/1", 10, eInvoicing={"status": "processing", "statusCode": "n/a"})
    view = InvoiceView.from_api(record)
    assert (view.ksef_status, view.ksef_status_code) == ("processing", None)
    assert InvoiceView.from_api({**record, "eInvoicing": {"statusCode": "440"}}).ksef_status_code == 440
