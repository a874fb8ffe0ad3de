"""KSeF preflight (each check passing and failing), correction eligibility and rejection hints."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flowtly_mcp.finance.ksef import (
    Check,
    all_passed,
    can_correct,
    eu_vat_parts,
    fa3_rate_code,
    preflight,
    rejection_hint,
)

SELLER = "5265877635"
TODAY = date(2026, 10, 20)
KSEF_NUMBER = "5265877635-20250826-0100001AF629-AF"
CHECK_NAMES = [
    "not_draft",
    "not_already_sent",
    "seller_nip",
    "buyer_tin",
    "currency",
    "issue_date",
    "rows_present",
    "rows_valid",
    "totals_match",
    "fa3_rates",
    "correction_parent",
]


def ready_invoice(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "@id": "/api/invoices/12",
        "id": 12,
        "name": "FV/2026/10/0012",
        "type": "VAT",
        "status": "issued",
        "tinType": "NIP",
        "tinCountry": "PL",
        "tin": "5273180297",
        "currency": "PLN",
        "issueDate": "2026-10-20T00:00:00+00:00",
        # rows: 10 × 100.00 at 23% = 1000.00 + 230.00; 3 × 33.33 at 5% = 99.99 + 5.00 (4.9995 half-up)
        "amountNet": 1099.99,
        "amount": 1334.99,
        "invoiceRows": [
            {"productName": "Consulting", "unit": "h", "quantity": 10, "netPrice": "100.00", "vatRate": "23"},
            {"productName": "Book", "unit": "pcs", "quantity": 3, "netPrice": "33.33", "vatRate": "5"},
        ],
        "eInvoicing": None,
    }
    record.update(overrides)
    return record


def failed(checks: list[Check]) -> dict[str, str]:
    return {check.name: check.message for check in checks if not check.ok}


def test_a_ready_invoice_passes_every_check() -> None:
    checks = preflight(ready_invoice(), SELLER, TODAY)
    assert [check.name for check in checks] == CHECK_NAMES
    assert failed(checks) == {}
    assert all_passed(checks)
    assert all(check.fix is None for check in checks)


def test_draft_fails() -> None:
    checks = preflight(ready_invoice(status="draft"), SELLER, TODAY)
    assert failed(checks) == {"not_draft": "the invoice is a draft"}
    assert not all_passed(checks)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"status": "success", "einvoicingNumber": KSEF_NUMBER}, f"already in KSeF as {KSEF_NUMBER}"),
        (
            {"status": "processing", "statusCode": 150},
            "KSeF is still processing an earlier submission (status processing)",
        ),
        ({"status": None, "statusCode": 100}, "KSeF is still processing an earlier submission (status 100)"),
        ({"status": "success", "statusCode": 200}, "KSeF has accepted this invoice already"),
        ("/api/e-invoicing/9", "the invoice has an e-invoicing record, but only its IRI is known"),
    ],
)
def test_already_sent_or_in_flight_fails(state: object, message: str) -> None:
    checks = preflight(ready_invoice(eInvoicing=state), SELLER, TODAY)
    assert failed(checks) == {"not_already_sent": message}


def test_a_ksef_number_at_the_top_level_also_counts_as_sent() -> None:
    assert "not_already_sent" in failed(preflight(ready_invoice(ksefNumber=KSEF_NUMBER), SELLER, TODAY))


def test_a_rejected_invoice_may_be_sent_again() -> None:
    state = {"status": "rejected", "statusCode": 450, "rejectionReason": "P_1 in the future"}
    checks = preflight(ready_invoice(eInvoicing=state), SELLER, TODAY)
    assert failed(checks) == {}
    assert (
        checks[1].message
        == "an earlier submission was rejected (P_1 in the future); a rejected invoice was never issued"
    )


@pytest.mark.parametrize("seller", ["5265877636", "0000000000", ""])
def test_invalid_seller_nip_fails(seller: str) -> None:
    checks = preflight(ready_invoice(), seller, TODAY)
    assert list(failed(checks)) == ["seller_nip"]
    assert checks[2].fix is not None and "NIP" in checks[2].fix


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tin": "5273180298"}, "buyer NIP '5273180298' is not a valid NIP"),
        ({"tin": None}, "buyer tax number type is NIP but no NIP is given"),
        ({"tinType": "VAT", "tinCountry": "DE", "tin": "136695977"}, "buyer EU VAT number 'DE136695977' is not valid"),
        ({"tinType": "VAT", "tinCountry": None, "tin": None}, "buyer tax number type is VAT but none is given"),
    ],
)
def test_invalid_buyer_tax_number_fails(overrides: dict[str, Any], message: str) -> None:
    assert failed(preflight(ready_invoice(**overrides), SELLER, TODAY)) == {"buyer_tin": message}


@pytest.mark.parametrize(
    "overrides",
    [
        {"tinType": "VAT", "tinCountry": "DE", "tin": "136695976"},
        {"tinType": "VAT", "tinCountry": "DE", "tin": "DE136695976"},
        {"tinType": "NONE", "tin": None},
        {"tinType": None, "tin": None},
    ],
)
def test_valid_or_absent_buyer_tax_numbers_pass(overrides: dict[str, Any]) -> None:
    assert failed(preflight(ready_invoice(**overrides), SELLER, TODAY)) == {}


def test_missing_currency_fails() -> None:
    assert failed(preflight(ready_invoice(currency=None), SELLER, TODAY)) == {"currency": "the invoice has no currency"}


@pytest.mark.parametrize(
    ("issue_date", "message"),
    [
        ("2026-10-21T00:00:00+00:00", "issue date 2026-10-21 is in the future"),
        (None, "the invoice has no readable issue date"),
        ("21/10/2026", "the invoice has no readable issue date"),
    ],
)
def test_issue_date_must_exist_and_not_be_in_the_future(issue_date: str | None, message: str) -> None:
    assert failed(preflight(ready_invoice(issueDate=issue_date), SELLER, TODAY)) == {"issue_date": message}


def test_no_rows_fails_and_totals_cannot_be_checked() -> None:
    checks = failed(preflight(ready_invoice(invoiceRows=[]), SELLER, TODAY))
    assert set(checks) == {"rows_present", "rows_valid", "totals_match"}


@pytest.mark.parametrize(
    ("row_change", "message"),
    [
        ({"vatRate": "17"}, "row 1: VAT rate '17' is not a KSeF rate"),
        ({"quantity": "ten"}, "row 1: quantity 'ten' is not a number"),
        ({"quantity": 0}, "row 1: quantity 0 must be positive"),
        ({"productName": " "}, "row 1: no product name"),
        ({"amountNet": "999.00"}, "row 1: amountNet is 999.00, but quantity × price and the VAT rate give 1000.00"),
        ({"vatAmount": "230.02"}, "row 1: vatAmount is 230.02, but quantity × price and the VAT rate give 230.00"),
    ],
)
def test_inconsistent_rows_fail(row_change: dict[str, Any], message: str) -> None:
    record = ready_invoice()
    record["invoiceRows"][0].update(row_change)
    checks = failed(preflight(record, SELLER, TODAY))
    assert checks["rows_valid"] == message
    assert checks["totals_match"] == "cannot add up rows that are incomplete"


def test_stated_row_amounts_within_a_grosz_pass() -> None:
    record = ready_invoice()
    record["invoiceRows"][0].update({"amountNet": "1000.00", "amountVat": "230.01", "grossAmount": 1230})
    assert failed(preflight(record, SELLER, TODAY)) == {}


@pytest.mark.parametrize(
    ("totals", "message"),
    [
        ({"amountNet": 1100.01}, "amountNet is 1100.01, rows add up to 1099.99"),
        ({"amount": "1334.97"}, "amount is 1334.97, rows add up to 1334.99"),
        ({"amountNet": None, "amount": None}, "the invoice states no amountNet or amount"),
    ],
)
def test_totals_must_match_the_rows(totals: dict[str, Any], message: str) -> None:
    assert failed(preflight(ready_invoice(**totals), SELLER, TODAY)) == {"totals_match": message}


def test_totals_within_one_grosz_pass() -> None:
    assert failed(preflight(ready_invoice(amountNet="1100.00", amount="1334.98"), SELLER, TODAY)) == {}


def test_correction_needs_the_parent_ksef_number() -> None:
    sent_parent = {"@id": "/api/invoices/5", "name": "FV/1", "eInvoicing": {"einvoicingNumber": KSEF_NUMBER}}
    unsent_parent = {"@id": "/api/invoices/5", "name": "FV/1", "eInvoicing": None}
    assert failed(preflight(ready_invoice(type="KOR", parent=sent_parent), SELLER, TODAY)) == {}
    assert failed(preflight(ready_invoice(type="KOR", parent=unsent_parent), SELLER, TODAY)) == {
        "correction_parent": "FV/1 has no KSeF number"
    }
    assert failed(preflight(ready_invoice(type="KOR", parent=None), SELLER, TODAY)) == {
        "correction_parent": "a correction must name the invoice it corrects"
    }
    iri_only = ready_invoice(type="KOR", parent="/api/invoices/5")
    assert failed(preflight(iri_only, SELLER, TODAY)) == {
        "correction_parent": "the corrected invoice is known only by its IRI"
    }
    assert failed(preflight(iri_only, SELLER, TODAY, parent_json=sent_parent)) == {}


@pytest.mark.parametrize(
    ("original", "ok", "message"),
    [
        (
            {"name": "FV/1", "eInvoicing": {"einvoicingNumber": KSEF_NUMBER, "status": "success"}},
            True,
            f"FV/1 is in KSeF as {KSEF_NUMBER}; a correction must reference that number",
        ),
        ({"name": "FV/1", "eInvoicing": {"status": "processing"}}, False, "FV/1 is still being processed by KSeF"),
        (
            {"name": "FV/1", "eInvoicing": {"status": "rejected"}},
            False,
            "FV/1 was rejected by KSeF, so it was never issued",
        ),
        ({"id": 7, "eInvoicing": None}, False, "invoice 7 has no KSeF number"),
    ],
)
def test_can_correct(original: dict[str, Any], ok: bool, message: str) -> None:
    verdict = can_correct(original)
    assert (verdict.ok, verdict.message) == (ok, message)
    assert (verdict.fix is None) == ok


def test_rejection_hints() -> None:
    assert "originalKsefNumber" in rejection_hint(440)
    assert "originalKsefNumber" in rejection_hint("440", None)
    assert rejection_hint(450, "P_1 later than acceptance").endswith("KSeF said: P_1 later than acceptance")
    assert "UTF-8 without BOM" in rejection_hint(430)
    assert "permission" in rejection_hint(410)
    assert "not an error" in rejection_hint(150)
    assert rejection_hint(999, " odd ") == (
        "KSeF returned status 999. Read the reason, fix the invoice and send it again; "
        "a rejected invoice was never issued. KSeF said: odd"
    )
    assert rejection_hint(None).startswith("KSeF returned status None.")
    assert rejection_hint("abc").startswith("KSeF returned status abc.")


# --- the FA(3) rules KSeF applies: buyer address, rate codes, EU VAT numbers --------------------------------------

CLIENT_WITH_ADDRESS = {"id": 1, "name": "Acme", "addressStreetLine": "ul. Długa 1", "addressCity": "Gdańsk"}


def test_the_buyer_address_is_checked_when_the_client_is_known() -> None:
    checks = preflight(ready_invoice(), SELLER, TODAY, client_json=CLIENT_WITH_ADDRESS)
    assert [check.name for check in checks] == [*CHECK_NAMES[:4], "buyer_address", *CHECK_NAMES[4:]]
    assert failed(checks) == {}
    no_address = {"id": 3, "name": "Gamma", "addressStreetLine": None, "addressCity": " "}
    refused = [c for c in preflight(ready_invoice(), SELLER, TODAY, client_json=no_address) if not c.ok]
    assert [(c.name, c.message) for c in refused] == [
        ("buyer_address", "the buyer (Gamma) has no street and city in its address")
    ]
    assert refused[0].fix is not None and "update_client" in refused[0].fix


def test_an_embedded_client_is_checked_too() -> None:
    embedded_client = {"@id": "/api/clients/1", "name": "Acme", "addressCity": "Gdańsk"}
    assert failed(preflight(ready_invoice(client=embedded_client), SELLER, TODAY)) == {
        "buyer_address": "the buyer (Acme) has no street in its address"
    }


@pytest.mark.parametrize(
    ("rate", "country", "code"),
    [
        ("23", "PL", "23"),
        ("8%", None, "8"),
        ("zw", None, "zw"),
        ("oo", "PL", "oo"),
        ("0", "PL", "0 KR"),
        ("0", "FR", "0 WDT"),
        ("0", "EL", "0 WDT"),
        ("0", "US", "0 EX"),
        ("np", "DE", "np II"),
        ("np", "PL", "np I"),
        ("np", "NO", "np I"),
        ("0 WDT", None, "0 WDT"),
        ("0wdt", None, "0 WDT"),
        ("NP II", None, "np II"),
        ("0", None, None),
        ("np", None, None),
        ("15", "PL", None),
    ],
)
def test_flowtly_rates_map_to_fa3_codes(rate: str, country: str | None, code: str | None) -> None:
    assert fa3_rate_code(rate, country) == code


def test_zero_rated_rows_are_written_for_where_the_buyer_is() -> None:
    rows = [
        {"productName": "Goods", "unit": "pcs", "quantity": 1, "netPrice": "100.00", "vatRate": "0"},
        {"productName": "Service", "unit": "h", "quantity": 1, "netPrice": "100.00", "vatRate": "np"},
    ]
    eu_buyer = ready_invoice(tinType="VAT", tinCountry="FR", tin="FR49649061512", invoiceRows=rows)
    checks = {c.name: c for c in preflight(eu_buyer, SELLER, TODAY)}
    assert checks["fa3_rates"].ok and checks["fa3_rates"].message == "VAT rates in FA(3): 0 as 0 WDT, np as np II"
    assert checks["buyer_tin"].message == (
        "buyer EU VAT number FR49649061512 is valid (KSeF: KodUE FR, NrVatUE 49649061512)"
    )
    unknown_country = ready_invoice(tinType="NONE", tin=None, tinCountry=None, invoiceRows=rows)
    assert "needs the buyer's country" in failed(preflight(unknown_country, SELLER, TODAY))["fa3_rates"]
    domestic = ready_invoice(invoiceRows=rows)
    assert {c.name: c.message for c in preflight(domestic, SELLER, TODAY)}["fa3_rates"] == (
        "VAT rates in FA(3): 0 as 0 KR, np as np I"
    )


@pytest.mark.parametrize(
    ("number", "country", "parts"),
    [
        ("FR49649061512", None, ("FR", "49649061512")),
        ("fr 496 490 615 12", None, ("FR", "49649061512")),
        ("136695976", "DE", ("DE", "136695976")),
        ("GR094014201", None, ("EL", "094014201")),
        ("98-7654321", "US", None),
    ],
)
def test_eu_vat_numbers_split_into_kodue_and_nrvatue(
    number: str, country: str | None, parts: tuple[str, str] | None
) -> None:
    assert eu_vat_parts(number, country) == parts


def test_a_buyer_outside_the_eu_passes_with_its_foreign_tax_number() -> None:
    foreign = ready_invoice(tinType="VAT", tinCountry="US", tin="98-7654321")
    checks = {c.name: c for c in preflight(foreign, SELLER, TODAY)}
    assert checks["buyer_tin"].ok
    assert checks["buyer_tin"].message == "buyer tax number 98-7654321 of US (outside the EU) goes to KSeF as NrID"
