"""The toolsets a server can expose: named groups of tools, chosen by `FLOWTLY_TOOLSETS` (see config.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Toolset:
    name: str
    description: str
    default: bool


CORE = "core"
TOOLSETS: tuple[Toolset, ...] = (
    Toolset(CORE, "The default surface for receivables and billing: key invoice/client tools and workflows.", True),
    Toolset("invoices", "Sales invoices, their rows, drafts, numbering and sending to clients.", False),
    Toolset("payments", "Payments applied to invoices, stored payment methods, payment history.", False),
    Toolset("ksef", "KSeF e-invoicing: sessions, sending, corrections, XML/PDF/UPO, inbound sync.", False),
    Toolset("clients", "Clients, their contacts and notes, client documents.", False),
    Toolset("counterparties", "Counterparties (suppliers and customers), merge, branding enrichment.", False),
    Toolset("transactions", "Bank transactions, import, matching suggestions, attachments, MT940 export.", False),
    Toolset("budgets", "Budgets, groups, allocations and spend.", False),
    Toolset("workflows", "Finance workflows: reconciliation, KSeF sending, receivables, duplicate clean-up.", False),
)
TOOLSET_NAMES = frozenset(t.name for t in TOOLSETS)
DEFAULT_TOOLSETS = frozenset(t.name for t in TOOLSETS if t.default)
