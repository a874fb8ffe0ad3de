"""Frozen views of Flowtly API records that the finance logic works on.

Adapters read invoices (with embedded rows, applied payments and KSeF state), bank transactions,
counterparties and clients from API JSON in any of its shapes. Unknown fields are ignored, missing optional ones
become None, and a required field that cannot be used raises a ValueError naming the record and the field. So does
a money or date field that is present but unreadable: reading it as "absent" would silently change a balance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from .identifiers import compact_iban, normalize_iban
from .money import ZERO, exact_sum
from .vat import RowAmounts, row_amounts, vat_rate_percent
from .wire import FieldReader, Record, embedded, iri_id, parse_date, record_id

# The home currency of a Polish organisation, for invoices that leave ``currency`` null. Never for a payment.
DEFAULT_CURRENCY = "PLN"
# Shown where a payment's currency cannot be derived from documented facts.
UNKNOWN_CURRENCY = "unknown"


def _currency(reader: FieldReader, default_currency: str) -> str:
    # Clients give the currency as an IRI (/api/currencies/PLN); invoices and transactions as the ISO code.
    code = iri_id(reader.data.get("currency"))
    return (code or default_currency).upper()


def _optional_int(value: object) -> int | None:
    # A status code is informative only; an odd one must not make the whole invoice unreadable.
    try:
        return int(value) if isinstance(value, int | str) and not isinstance(value, bool) else None
    except ValueError:
        return None


def _embedded_list(value: object) -> tuple[list[Record], int]:
    """Embedded objects of a to-many relation, and how many entries were bare IRIs (content unknown)."""
    if not isinstance(value, list):
        return [], 0
    objects = [item for item in value if isinstance(item, Mapping)]
    return objects, len(value) - len(objects)


def _id_of_text(value: str) -> str | None:
    """`iri_id` of a text, with the plain IRI (no query, fragment or trailing slash) taken without splitting."""
    if "?" in value or "#" in value or value.endswith("/"):
        return iri_id(value)
    return value[value.rfind("/") + 1 :].strip() or None


# Dates repeat page after page (one due date, many invoices): each distinct text is read once. Bounded, so a walk
# over every invoice does not grow it.
@lru_cache(maxsize=4096)
def _date_of_text(value: str) -> date | None:
    return parse_date(value)


class _QuickReader:
    """FieldReader's answers for the shapes a record nearly always has (ids as integers, relations and dates as
    text, amounts as numbers), without building a FieldReader per record. Anything else, and every error, goes
    through a FieldReader, so the values and the messages are exactly its own."""

    __slots__ = ("_slow", "data", "kind")

    def __init__(self, data: Record, kind: str) -> None:
        self.data = data
        self.kind = kind
        self._slow = None if isinstance(data, dict) else FieldReader(data, kind)

    @property
    def slow(self) -> FieldReader:
        if self._slow is None:
            self._slow = FieldReader(self.data, self.kind)
        return self._slow

    def error(self, field: str, problem: str) -> ValueError:
        return self.slow.error(field, problem)

    def required_id(self) -> str:
        value = self.data.get("id")
        if type(value) is int:
            return str(value)
        return self.slow.required_id()

    def text(self, *fields: str) -> str | None:
        value = self.data.get(fields[0])
        if type(value) is str and value:
            return value.strip() or None
        return self.slow.text(*fields)

    def amount(self, *fields: str) -> Decimal | None:
        value = self.data.get(fields[0])
        if type(value) is Decimal and value.is_finite():
            return value
        if type(value) is int:
            return Decimal(value)
        if value is None and len(fields) == 1:
            return None
        return self.slow.amount(*fields)

    def day(self, *fields: str) -> date | None:
        value = self.data.get(fields[0])
        if type(value) is str and value:
            parsed = _date_of_text(value)
            if parsed is not None:
                return parsed
        elif value is None and len(fields) == 1:
            return None
        return self.slow.day(*fields)

    def relation(self, *fields: str) -> str | None:
        value = self.data.get(fields[0])
        if type(value) is str and value:
            return _id_of_text(value)
        if value is None and len(fields) == 1:
            return None
        return self.slow.relation(*fields)

    def currency(self, default_currency: str) -> str:
        value = self.data.get("currency")
        code = _id_of_text(value) if type(value) is str else iri_id(value)
        return (code or default_currency).upper()


@dataclass(frozen=True, slots=True)
class RowView:
    """One invoice row; ``amounts`` is None when quantity, price or VAT rate is missing or unknown."""

    id: str | None
    product_name: str | None
    quantity: Decimal | None
    unit: str | None
    vat_rate: str | None
    net_price: Decimal | None
    net_discount: Decimal
    amounts: RowAmounts | None

    @classmethod
    def from_api(cls, data: Record, currency: str = DEFAULT_CURRENCY) -> RowView:
        reader = FieldReader(data, "invoice row")
        quantity = reader.amount("quantity")
        net_price = reader.amount("netPrice")
        discount = reader.amount("netDiscountAmount") or ZERO
        vat_rate = reader.text("vatRate")
        rate = vat_rate_percent(vat_rate)
        amounts = None
        if quantity is not None and net_price is not None and rate is not None:
            amounts = row_amounts(quantity, net_price, rate, discount, currency)
        return cls(
            id=record_id(data),
            product_name=reader.text("productName"),
            quantity=quantity,
            unit=reader.text("unit"),
            vat_rate=vat_rate,
            net_price=net_price,
            net_discount=discount,
            amounts=amounts,
        )


@dataclass(frozen=True, slots=True)
class AppliedPayment:
    """A payment applied to an invoice (an invoice transaction), in the invoice's currency."""

    id: str | None
    invoice_id: str | None
    transaction_id: str | None
    amount: Decimal
    date: date | None

    @classmethod
    def from_api(cls, data: Record, invoice_id: str | None = None) -> AppliedPayment:
        # Read for every payment of every invoice a report walks: the quick reader, FieldReader's results.
        reader = _QuickReader(data, "invoice transaction")
        return cls(
            id=iri_id(data),
            invoice_id=reader.relation("invoice") or invoice_id,
            transaction_id=reader.relation("transaction"),
            # The schema allows a null amount; such an entry has moved no money.
            amount=reader.amount("amount") or ZERO,
            date=reader.day("date", "createdAt"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceView:
    """An invoice with what it is owed: ``paid`` sums the applied payments, ``open`` = gross − paid.

    The fields with defaults are the ones `for_receivables` does not read.
    """

    id: str
    number: str | None
    type: str | None
    client_id: str | None
    currency: str
    conversion_rate: Decimal | None
    issue_date: date | None
    sale_date: date | None = None
    due_date: date | None
    net: Decimal | None = None
    gross: Decimal
    paid: Decimal
    open: Decimal
    status: str | None
    ksef_number: str | None = None
    ksef_status: str | None = None
    ksef_status_code: int | None = None
    buyer_tin: str | None = None
    buyer_tin_type: str | None = None
    buyer_tin_country: str | None = None
    parent_id: str | None = None
    rows: tuple[RowView, ...] = ()
    payments: tuple[AppliedPayment, ...]
    # Applied payments that came as bare IRIs: their amounts are unknown, so ``paid`` leaves them out.
    unresolved_payments: int
    # The organisation's account the invoice asks to be paid into (documented ``bankAccount``).
    bank_account: str | None = None

    @property
    def is_draft(self) -> bool:
        return (self.status or "").casefold() == "draft"

    @property
    def effective_due_date(self) -> date | None:
        """The due date, or the issue date for an invoice due on receipt."""
        return self.due_date or self.issue_date

    @classmethod
    def from_api(cls, data: Record, *, default_currency: str = DEFAULT_CURRENCY) -> InvoiceView:
        """Read an invoice; ``default_currency`` stands in when the record leaves ``currency`` null."""
        reader = FieldReader(data, "invoice")
        invoice_id = reader.required_id()
        currency = _currency(reader, default_currency)
        row_data, _ = _embedded_list(data.get("invoiceRows"))
        rows = tuple(RowView.from_api(row, currency) for row in row_data)
        payment_data, unresolved = _embedded_list(data.get("invoiceTransactions"))
        payments = tuple(AppliedPayment.from_api(item, invoice_id) for item in payment_data)
        gross = reader.amount("amount")
        net = reader.amount("amountNet")
        computable = bool(rows) and all(row.amounts is not None for row in rows)
        if gross is None:
            if not computable:
                raise reader.error("amount", "is missing and the rows do not give the gross total")
            gross = exact_sum(row.amounts.gross for row in rows if row.amounts)
        if net is None and computable:
            net = exact_sum(row.amounts.net for row in rows if row.amounts)
        paid = exact_sum(payment.amount for payment in payments)
        e_invoicing = embedded(data.get("eInvoicing")) or {}
        ksef = FieldReader(e_invoicing, "e-invoicing")
        return cls(
            id=invoice_id,
            number=reader.text("name", "number"),
            type=reader.text("type"),
            client_id=reader.relation("client"),
            currency=currency,
            conversion_rate=reader.amount("conversionRate"),
            issue_date=reader.day("issueDate"),
            sale_date=reader.day("saleDate"),
            due_date=reader.day("dueDate"),
            net=net,
            gross=gross,
            paid=paid,
            open=gross - paid,
            status=reader.text("status"),
            ksef_number=ksef.text("einvoicingNumber", "ksefNumber") or reader.text("ksefNumber"),
            ksef_status=ksef.text("status"),
            ksef_status_code=_optional_int(e_invoicing.get("statusCode")),
            buyer_tin=reader.text("tin"),
            buyer_tin_type=reader.text("tinType"),
            buyer_tin_country=reader.text("tinCountry"),
            parent_id=reader.relation("parent"),
            rows=rows,
            payments=payments,
            unresolved_payments=unresolved,
            bank_account=account_key(reader.text("bankAccount")),
        )

    @classmethod
    def for_receivables(cls, data: Record, *, default_currency: str = DEFAULT_CURRENCY) -> InvoiceView:
        """What aging, overdue and debtor reports read, and no more: amounts, dates, client, status and payments.

        Rows are read only when the gross total is missing; KSeF, buyer and bank fields stay empty. About a third of
        `from_api`'s work on a typical page, which bounds how fast a report over every invoice can stream.
        """
        reader = _QuickReader(data, "invoice")
        invoice_id = reader.required_id()
        currency = reader.currency(default_currency)
        gross = reader.amount("amount")
        rows: tuple[RowView, ...] = ()
        if gross is None:
            row_data, _ = _embedded_list(data.get("invoiceRows"))
            rows = tuple(RowView.from_api(row, currency) for row in row_data)
            if not rows or any(row.amounts is None for row in rows):
                raise reader.error("amount", "is missing and the rows do not give the gross total")
            gross = exact_sum(row.amounts.gross for row in rows if row.amounts)
        payment_data, unresolved = _embedded_list(data.get("invoiceTransactions"))
        payments = tuple(AppliedPayment.from_api(item, invoice_id) for item in payment_data)
        paid = exact_sum(payment.amount for payment in payments)
        return cls(
            id=invoice_id,
            number=reader.text("name", "number"),
            type=reader.text("type"),
            client_id=reader.relation("client"),
            currency=currency,
            conversion_rate=reader.amount("conversionRate"),
            issue_date=reader.day("issueDate"),
            due_date=reader.day("dueDate"),
            gross=gross,
            paid=paid,
            open=gross - paid,
            status=reader.text("status"),
            rows=rows,
            payments=payments,
            unresolved_payments=unresolved,
        )


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """A bank statement line; ``amount`` is positive for money received.

    Only documented fields are read. The published Transaction carries no currency: ``known_currency`` is derived
    from ``bank_account`` (the organisation's account the money arrived in) through the ``account_currencies``
    given to ``from_api``, and stays None when that account's currency is not known. The payer is described by the
    embedded counterparty: its id, name, tax number and bank accounts.
    """

    id: str
    amount: Decimal
    date: date
    title: str
    counterparty_id: str | None
    counterparty_name: str | None
    counterparty_tin: str | None
    counterparty_accounts: tuple[str, ...]
    bank_account: str | None
    ignored: bool
    known_currency: str | None = None

    @property
    def currency(self) -> str:
        """The ISO code, or ``unknown``: a payment's currency is never assumed."""
        return self.known_currency or UNKNOWN_CURRENCY

    @classmethod
    def from_api(cls, data: Record, *, account_currencies: Mapping[str, str] | None = None) -> BankTransaction:
        """Read a bank line; the booking date is ``execDate``, falling back to ``orderDate`` and ``relatedDate``.

        ``account_currencies`` maps the organisation's accounts (IBANs, any spacing) to their currencies; given,
        the currency is derived from ``bankAccount`` alone. Without it (the earlier call), a ``currency`` the
        server happens to send is taken as stated, for callers that do not yet pass their accounts; a missing one
        stays unknown. Reconciliation re-derives the currency from the account whenever its index knows it.
        """
        reader = FieldReader(data, "transaction")
        counterparty_data = embedded(data.get("counterparty")) or {}
        counterparty = FieldReader(counterparty_data, "counterparty")
        accounts = counterparty_data.get("bankAccounts")
        bank_account = account_key(reader.text("bankAccount"))
        return cls(
            id=reader.required_id(),
            amount=reader.required_amount("amount"),
            date=reader.required_day("execDate", "orderDate", "relatedDate", "date"),
            title=reader.text("description", "title") or "",
            counterparty_id=reader.relation("counterparty"),
            counterparty_name=counterparty.text("displayName", "name"),
            counterparty_tin=counterparty.text("tin", "clientTin", "supplierTin"),
            counterparty_accounts=tuple(
                account_key(text) or text for text in _account_texts(accounts if isinstance(accounts, list) else [])
            ),
            bank_account=bank_account,
            ignored=bool(reader.integer("ignored") or 0),
            known_currency=(
                account_currency(bank_account, account_currencies)
                if account_currencies is not None
                else _stated_currency(reader)
            ),
        )


def _stated_currency(reader: FieldReader) -> str | None:
    code = iri_id(reader.data.get("currency"))
    return code.upper() if code else None


# A statement repeats the same few accounts on every line: check each spelling's IBAN checksum once.
@lru_cache(maxsize=65_536)
def account_key(value: str | None) -> str | None:
    """One comparable form of a bank account: the compact IBAN (valid or not), None when blank."""
    if not value or not value.strip():
        return None
    return normalize_iban(value) or compact_iban(value)


def invoice_account_currencies(invoices: Iterable[InvoiceView]) -> tuple[dict[str, str], set[str]]:
    """The organisation's accounts and their currencies, as its invoices state them (``bankAccount`` and
    ``currency``), and the accounts whose invoices disagree (those get no currency)."""
    seen: dict[str, set[str]] = {}
    for invoice in invoices:
        if invoice.bank_account:
            seen.setdefault(invoice.bank_account, set()).add(invoice.currency)
    known = {account: next(iter(found)) for account, found in seen.items() if len(found) == 1}
    return known, {account for account, found in seen.items() if len(found) > 1}


def payment_currency(transaction: BankTransaction, account_currencies: Mapping[str, str]) -> str | None:
    """The one derivation of a payment's currency: that of the account it arrived in, else as the server stated it;
    None when neither is known (never a default: a payment in an unknown currency is not matched)."""
    return account_currency(transaction.bank_account, account_currencies) or transaction.known_currency


def with_payment_currency(transaction: BankTransaction, account_currencies: Mapping[str, str]) -> BankTransaction:
    """The transaction carrying the currency `payment_currency` derives (None stays None: unknown, never PLN)."""
    return replace(transaction, known_currency=payment_currency(transaction, account_currencies))


def account_currency(account: str | None, account_currencies: Mapping[str, str]) -> str | None:
    """The currency of one of the organisation's accounts, None when the account is absent or not listed."""
    if account is None:
        return None
    direct = account_currencies.get(account)
    if direct:
        return direct.upper()
    for listed, currency in account_currencies.items():
        if account_key(listed) == account:
            return currency.upper()
    return None


@dataclass(frozen=True, slots=True)
class CounterpartyView:
    """A counterparty (a supplier or client as seen on bank statements)."""

    id: str
    display_name: str | None
    type: str | None
    tin: str | None
    supplier_tin: str | None
    client_tin: str | None
    client_id: str | None
    supplier_id: str | None
    bank_accounts: tuple[str, ...]
    transactions_count: int | None
    corporate_website_url: str | None
    logo_url: str | None
    default_project: str | None

    @property
    def tins(self) -> tuple[str, ...]:
        """Every tax identifier the record carries, in the order tin, clientTin, supplierTin."""
        return tuple(tin for tin in (self.tin, self.client_tin, self.supplier_tin) if tin)

    @classmethod
    def from_api(cls, data: Record) -> CounterpartyView:
        reader = FieldReader(data, "counterparty")
        accounts = data.get("bankAccounts")
        return cls(
            id=reader.required_id(),
            display_name=reader.text("displayName", "name"),
            type=reader.text("type"),
            tin=reader.text("tin"),
            supplier_tin=reader.text("supplierTin"),
            client_tin=reader.text("clientTin"),
            client_id=reader.relation("client"),
            supplier_id=reader.relation("supplier"),
            bank_accounts=tuple(_account_texts(accounts if isinstance(accounts, list) else [])),
            transactions_count=reader.integer("transactionsCount"),
            corporate_website_url=reader.text("corporateWebsiteUrl"),
            logo_url=reader.text("logoUrl"),
            default_project=reader.relation("defaultProject"),
        )


def _account_texts(accounts: Iterable[object]) -> Iterable[str]:
    # Bank accounts are documented as strings; tolerate objects carrying the number under a common key.
    for account in accounts:
        if isinstance(account, str) and account.strip():
            yield account.strip()
        elif isinstance(account, Mapping):
            number = account.get("iban") or account.get("number") or account.get("accountNumber")
            if isinstance(number, str) and number.strip():
                yield number.strip()


@dataclass(frozen=True, slots=True)
class ClientView:
    """A client (a buyer on our sales invoices)."""

    id: str
    name: str | None
    status: str | None
    country: str | None
    currency: str | None
    tin_type: str | None
    tin_country: str | None
    tin: str | None
    vat_number: str | None
    due_days: int | None

    @classmethod
    def from_api(cls, data: Record) -> ClientView:
        reader = FieldReader(data, "client")
        currency = iri_id(data.get("currency"))
        return cls(
            id=reader.required_id(),
            name=reader.text("name"),
            status=reader.text("status"),
            country=reader.text("country"),
            currency=currency.upper() if currency else None,
            tin_type=reader.text("tinType"),
            tin_country=reader.text("tinCountry"),
            tin=reader.text("tin"),
            vat_number=reader.text("vatNumber"),
            due_days=reader.integer("dueDays"),
        )
