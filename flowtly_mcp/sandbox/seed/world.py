"""The generator's shared state: records emitted so far, the working plans, and the planted answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .config import SeedConfig
from .plans import BankLine, InvoicePlan, Party, Settlement, Supplier, SupplierDocument
from .truth import (
    CaseKind,
    DuplicateGroup,
    InvalidTin,
    KsefCorrection,
    KsefRejection,
    NoMatchReason,
    NonDuplicatePair,
    PayerIdentifier,
)

Record = dict[str, Any]
Dataset = dict[str, list[Record]]

# Order of families in the dataset: referenced families before the ones that point at them.
FAMILIES = (
    "organizations",
    "currencies",
    "employees",
    "clients",
    "client-contacts",
    "client-notes",
    "projects",
    "counterparties",
    "invoices",
    "invoice-rows",
    "invoice-transactions",
    "e-invoicing",
    "transactions",
    "income-transactions",
    "project-transactions",
    "transaction-attachments",
    "budget-groups",
    "budgets",
    "budget-employees",
    "budget-contractors",
    "budget-projects",
    "budget-invoices",
    "budget-transactions",
    "payment-methods",
    "payments",
)


def iri(family: str, record_id: int | str) -> str:
    """The API Platform IRI of a record."""
    return f"/api/{family}/{record_id}"


@dataclass(frozen=True)
class Seller:
    """The demo firm itself."""

    iri: str
    name: str
    nip: str
    iban_pln: str
    iban_eur: str

    def account_for(self, currency: str) -> str:
        """The firm's bank account in a currency."""
        return self.iban_eur if currency == "EUR" else self.iban_pln


@dataclass(frozen=True)
class Project:
    """A client project rows and costs can be booked against."""

    iri: str
    name: str
    client: Party | None


@dataclass
class PlantedTransfer:
    """A bank line left unmatched on purpose, with the allocations a good matcher should propose."""

    line: BankLine
    kind: CaseKind
    allocations: list[tuple[InvoicePlan, Decimal]] | None
    reason: NoMatchReason | None
    description: str
    identifier: PayerIdentifier | None = None


@dataclass
class World:
    """Everything one generation run builds, passed from stage to stage."""

    cfg: SeedConfig
    seller: Seller | None = None
    records: Dataset = field(default_factory=lambda: {family: [] for family in FAMILIES})
    counters: dict[str, int] = field(default_factory=dict)
    employees: list[str] = field(default_factory=list)
    clients: list[Party] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    suppliers: list[Supplier] = field(default_factory=list)
    contractors: list[Supplier] = field(default_factory=list)
    invoices: list[InvoicePlan] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    bank_lines: list[BankLine] = field(default_factory=list)
    supplier_documents: list[SupplierDocument] = field(default_factory=list)
    planted_transfers: list[PlantedTransfer] = field(default_factory=list)
    duplicate_groups: list[DuplicateGroup] = field(default_factory=list)
    non_duplicate_pairs: list[NonDuplicatePair] = field(default_factory=list)
    invalid_tins: list[InvalidTin] = field(default_factory=list)
    injection_note_ids: list[str] = field(default_factory=list)
    injection_lines: list[BankLine] = field(default_factory=list)
    clients_without_address: list[int] = field(default_factory=list)
    ksef_rejections: list[KsefRejection] = field(default_factory=list)
    ksef_corrections: list[KsefCorrection] = field(default_factory=list)

    @property
    def anchor(self) -> date:
        """The sandbox's today."""
        return self.cfg.anchor

    @property
    def me(self) -> Seller:
        """The demo firm (built by the first stage)."""
        if self.seller is None:
            raise RuntimeError("the organization stage has not run")
        return self.seller

    def next_id(self, family: str) -> int:
        """The next integer id of a family, starting at 1."""
        value = self.counters.get(family, 0) + 1
        self.counters[family] = value
        return value

    def add(self, family: str, record: Record) -> Record:
        """Append a record to a family and hand it back."""
        self.records[family].append(record)
        return record
