"""Working records of the generator: parties, invoices and bank lines before they become dataset dicts.

Invoices and bank lines are planned first and only numbered once everything is known, so ids and invoice numbers
follow the calendar the way a real ledger's would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .money import ZERO, row_net, row_vat
from .truth import KsefState


@dataclass(slots=True, eq=False)
class Party:
    """A client as invoicing and payments see it."""

    client_id: int
    iri: str
    name: str
    country: str
    currency: str
    tin_type: str
    tin: str
    due_days: int
    iban: str
    statement_name: str
    line: str
    weight: float
    has_address: bool = True
    active: bool = True
    # Reserved for a planted case that needs the client to have no open invoice of its own except the planted ones.
    exclusive: bool = False
    counterparty_iri: str = ""

    @property
    def foreign(self) -> bool:
        """Invoiced in EUR, in English, at the 0% rate."""
        return self.country != "PL"


@dataclass(slots=True, eq=False)
class Supplier:
    """A firm the demo company pays: its counterparty record and how its invoices look."""

    counterparty_id: int
    iri: str
    name: str
    category: str
    tin: str | None
    iban: str
    currency: str
    monthly_gross: tuple[int, int]
    invoice_format: str
    country: str = "PL"


@dataclass(slots=True, eq=False)
class RowPlan:
    """One invoice line; net and VAT are rounded per row, as the core recomputes them.

    Treat the amounts as fixed once built (use `dataclasses.replace` to change one): net and VAT are computed once.
    """

    product_name: str
    unit: str
    quantity: Decimal
    net_price: Decimal
    discount: Decimal
    vat_rate: str
    classification: str | None
    project_iri: str | None = None
    line: str = "consulting"
    parent: RowPlan | None = None
    id: int = 0
    net: Decimal = field(init=False)
    vat: Decimal = field(init=False)

    def __post_init__(self) -> None:
        self.net = row_net(self.quantity, self.net_price, self.discount)
        self.vat = row_vat(self.net, self.vat_rate)


@dataclass(slots=True, eq=False)
class InvoicePlan:
    """An outbound invoice before numbering."""

    client: Party
    issue: date
    due: date
    currency: str
    rate: Decimal | None
    rows: list[RowPlan]
    sale: date | None = None
    status: str = "sent"
    type: str = "VAT"
    parent: InvoicePlan | None = None
    payment_method: str = "transfer"
    correction_reason: str | None = None
    notes: str | None = None
    internal_comment: str | None = None
    planted: bool = False
    # None until the KSeF stage decides; planted cases set it up front.
    ksef: KsefState | None = None
    ksef_date: date | None = None
    applied: Decimal = ZERO
    id: int = 0
    number: str = ""
    _totals: tuple[Decimal, Decimal] | None = field(default=None, repr=False)

    def rows_changed(self) -> None:
        """Forget the cached totals after replacing a row."""
        self._totals = None

    def _sums(self) -> tuple[Decimal, Decimal]:
        if self._totals is None:
            self._totals = (sum((row.net for row in self.rows), ZERO), sum((row.vat for row in self.rows), ZERO))
        return self._totals

    @property
    def net(self) -> Decimal:
        """Sum of row nets."""
        return self._sums()[0]

    @property
    def vat(self) -> Decimal:
        """Sum of row VAT."""
        return self._sums()[1]

    @property
    def gross(self) -> Decimal:
        """What the client owes in total."""
        net, vat = self._sums()
        return net + vat

    @property
    def open_amount(self) -> Decimal:
        """Gross less payments applied so far."""
        return self.gross - self.applied

    @property
    def is_receivable(self) -> bool:
        """Issued (not a draft) and not a correction."""
        return self.status != "draft" and self.type == "VAT"


@dataclass(slots=True, eq=False)
class Settlement:
    """Money from a client applied to invoices: one bank line (or a card payment) and its invoice-transactions."""

    client: Party
    day: date
    parts: list[tuple[InvoicePlan, Decimal]]
    paid: Decimal
    style: str
    line: BankLine | None = None

    @property
    def currency(self) -> str:
        """The settled invoices' currency."""
        return self.parts[0][0].currency


@dataclass(slots=True, eq=False)
class SupplierDocument:
    """A purchase invoice from a supplier: paid by a bank line, maybe sent through KSeF, maybe attached."""

    supplier: Supplier
    number: str
    issue: date
    gross: Decimal
    currency: str


@dataclass(slots=True, eq=False)
class BankLine:
    """One line of a bank statement on one of the demo firm's accounts."""

    day: date
    amount: Decimal
    currency: str
    account: str
    title: str
    counterparty_iri: str | None = None
    role: str | None = None
    name: str | None = None
    iban: str | None = None
    applications: list[tuple[InvoicePlan, Decimal]] = field(default_factory=list)
    ignored: bool = False
    note: str | None = None
    tag: str = "client"
    document: SupplierDocument | None = None
    supplier: Supplier | None = None
    owner: str | None = None
    order: int = 0
    id: str = ""
    statement: int = 0
    balance: Decimal = ZERO

    @property
    def iri(self) -> str:
        """The transaction's IRI (only after ids are assigned)."""
        return f"/api/transactions/{self.id}"
