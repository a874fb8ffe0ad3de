"""What finance does with bank lines after import: income categories, project cost shares, and attachments."""

from __future__ import annotations

import random
from decimal import Decimal

from .dates import at_midnight
from .identifiers import is_valid_nip
from .money import cents
from .names import ascii_slug
from .plans import BankLine, SupplierDocument
from .world import World

_PROJECT_COST_CATEGORIES = ("hosting", "software", "contractor")
_NO_ATTACHMENT_CATEGORIES = ("rent", "leasing", "insurance")


def emit_income_transactions(world: World) -> None:
    """Every reconciled client payment, classified by what the first invoice sold."""
    for line in world.bank_lines:
        if not line.applications or line.amount <= 0:
            continue
        first = line.applications[0][0]
        world.add(
            "income-transactions",
            {
                "id": f"itx_{world.next_id('income-transactions')}",
                "transaction": line.iri,
                "client": first.client.iri,
                "amount": line.amount,
                "date": at_midnight(line.day),
                "category": first.rows[0].line,
            },
        )


def emit_project_transactions(world: World) -> None:
    """Hosting, software and contractor costs shared between one or two projects (shares in percent)."""
    rng = world.cfg.rng("project-transactions")
    for line in world.bank_lines:
        if line.supplier is None or line.supplier.category not in _PROJECT_COST_CATEGORIES:
            continue
        shares = (100,) if rng.random() < 0.6 else (60, 40)
        projects = rng.sample(world.projects, len(shares))
        for project, share in zip(projects, shares, strict=True):
            world.add(
                "project-transactions",
                {
                    "id": f"ptx_{world.next_id('project-transactions')}",
                    "transaction": line.iri,
                    "project": project.iri,
                    "amount": cents(line.amount * share / 100),
                    "share": share,
                },
            )


def emit_attachments(world: World) -> None:
    """Scanned purchase invoices: most linked to their payment, some uploaded but still unmatched."""
    rng = world.cfg.rng("attachments")
    paid: set[int] = set()
    for line in world.bank_lines:
        if line.document is None or line.supplier is None:
            continue
        paid.add(id(line.document))
        if line.supplier.category in _NO_ATTACHMENT_CATEGORIES:
            continue
        roll = rng.random()
        if roll < 0.85:
            _attachment(world, rng, line.document, line)
        elif roll < 0.93:
            _attachment(world, rng, line.document, None)
    for document in world.supplier_documents:
        if id(document) not in paid and document.supplier.category not in _NO_ATTACHMENT_CATEGORIES:
            _attachment(world, rng, document, None)


def _attachment(world: World, rng: random.Random, document: SupplierDocument, line: BankLine | None) -> None:
    tin = document.supplier.tin
    digits = "".join(ch for ch in tin if ch.isdigit()) if tin else ""
    world.add(
        "transaction-attachments",
        {
            "id": f"tat_{world.next_id('transaction-attachments')}",
            "transaction": line.iri if line else None,
            "fileName": f"{ascii_slug(document.number, '-')}.pdf",
            "mimeType": "application/pdf",
            "size": rng.randint(38_000, 420_000),
            "supplierName": document.supplier.name,
            "supplierTin": digits if is_valid_nip(digits) else tin,
            "documentNumber": document.number,
            "amount": document.gross,
            "currency": document.currency,
            "issueDate": at_midnight(document.issue),
            "status": "matched" if line else "unmatched",
        },
    )


def to_pln(amount: Decimal, currency: str) -> Decimal:
    """A rough PLN value for budget tracking of the few EUR costs (budgets count in PLN)."""
    return amount if currency == "PLN" else cents(amount * Decimal("4.28"))
