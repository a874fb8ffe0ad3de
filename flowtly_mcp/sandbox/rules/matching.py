"""The sandbox's own matchers: which open invoices a bank transaction may pay, which transaction a document
belongs to. Deliberately simple and deterministic, so tests can predict every suggestion.

Invoice suggestions for an incoming transaction: the invoice number in the transfer title (+100), the
counterparty being the invoice's client (+50), the transaction amount equal to the open amount (+40). An
invoice is suggested when its number is in the title, or when its open amount equals the transaction amount
and it belongs to the counterparty's client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rapidfuzz import fuzz

from flowtly_mcp.sandbox.money import ZERO, to_decimal
from flowtly_mcp.sandbox.rules.invoices import as_date
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

ATTACHMENT_THRESHOLD = 50


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _id(iri: object) -> str:
    return str(iri or "").rsplit("/", 1)[-1]


@dataclass
class InvoiceSuggestion:
    id: str
    invoice: Record
    amount: Decimal
    open_amount: Decimal
    score: int
    reasons: list[str] = field(default_factory=list)


def remaining_amount(world: World, transaction: Record) -> Decimal:
    """What of an incoming transaction is not yet applied to invoices."""
    applied = world.related("invoice-transactions", "transaction", f"/api/transactions/{transaction['id']}")
    return to_decimal(transaction.get("amount")) - sum((to_decimal(r.get("amount")) for r in applied), ZERO)


def invoice_suggestions(world: World, transaction: Record) -> list[InvoiceSuggestion]:
    remaining = remaining_amount(world, transaction)
    if remaining <= 0:
        return []
    title = _squash(str(transaction.get("description") or ""))
    counterparty = world.find("counterparties", _id(transaction.get("counterparty")))
    client_iri = (counterparty or {}).get("client")
    suggestions: list[InvoiceSuggestion] = []
    for view in world.views("invoices"):
        open_amount = to_decimal(view.get("openAmount"))
        if view.get("status") == "draft" or open_amount <= 0:
            continue
        reasons: list[str] = []
        score = 0
        name = _squash(str(view.get("name") or ""))
        named = bool(name) and name in title
        if named:
            score += 100
            reasons.append("invoice number in the transfer title")
        same_client = client_iri is not None and view.get("client") == client_iri
        if same_client:
            score += 50
            reasons.append("counterparty is the invoice's client")
        exact = open_amount == remaining
        if exact:
            score += 40
            reasons.append("amount equals the open amount")
        if named or (exact and same_client):
            suggestions.append(
                InvoiceSuggestion(f"inv-{view['id']}", view, min(open_amount, remaining), open_amount, score, reasons)
            )
    suggestions.sort(key=lambda s: (-s.score, str(s.invoice.get("dueDate") or ""), str(s.invoice["id"])))
    return suggestions


@dataclass
class AttachmentCandidate:
    transaction: Record
    score: int
    reasons: list[str] = field(default_factory=list)
    breakdown: dict[str, int] = field(default_factory=dict)


def attachment_candidates(world: World, attachment: Record) -> list[AttachmentCandidate]:
    """Transactions a document may belong to, best first: same amount (+60), same supplier TIN (+30),
    similar supplier name (+20), dates within a week (+10). Transactions already holding a document are skipped."""
    amount = abs(to_decimal(attachment.get("amount")))
    issued = as_date(attachment.get("issueDate"))
    candidates: list[AttachmentCandidate] = []
    for transaction in world.store.all("transactions"):
        iri = f"/api/transactions/{transaction['id']}"
        if world.related("transaction-attachments", "transaction", iri):
            continue
        counterparty = world.find("counterparties", _id(transaction.get("counterparty"))) or {}
        breakdown = {
            "amount": 60 if amount and abs(to_decimal(transaction.get("amount"))) == amount else 0,
            "supplierTin": 30
            if attachment.get("supplierTin") and attachment.get("supplierTin") in _tins(counterparty)
            else 0,
            "supplierName": 20 if _similar(attachment.get("supplierName"), _names(transaction, counterparty)) else 0,
            "date": 10 if _near(issued, as_date(transaction.get("execDate"))) else 0,
        }
        score = sum(breakdown.values())
        if score > 0:
            reasons = [name for name, points in breakdown.items() if points]
            candidates.append(AttachmentCandidate(transaction, score, reasons, breakdown))
    candidates.sort(key=lambda c: (-c.score, str(c.transaction["id"])))
    return candidates


def _tins(counterparty: Record) -> set[str]:
    return {str(counterparty.get(k)) for k in ("tin", "supplierTin", "clientTin") if counterparty.get(k)}


def _names(transaction: Record, counterparty: Record) -> list[str]:
    return [str(n) for n in (counterparty.get("displayName"), transaction.get("counterpartyName")) if n]


def _similar(name: object, others: list[str]) -> bool:
    if not name:
        return False
    return any(fuzz.token_set_ratio(str(name).casefold(), other.casefold()) >= 85 for other in others)


def _near(first: date | None, second: date | None) -> bool:
    return first is not None and second is not None and abs((first - second).days) <= 7


def supplier_match(world: World, attachment: Record) -> Record | None:
    """The counterparty the document's supplier is: same TIN, else the most similar name (≥ 85)."""
    tin = attachment.get("supplierTin")
    counterparties = world.store.all("counterparties")
    if tin:
        for counterparty in counterparties:
            if tin in _tins(counterparty):
                return counterparty
    name = str(attachment.get("supplierName") or "")
    if not name:
        return None
    scored = [
        (fuzz.token_set_ratio(name.casefold(), str(c.get("displayName") or "").casefold()), c) for c in counterparties
    ]
    scored = [pair for pair in scored if pair[0] >= 85]
    if not scored:
        return None
    return max(scored, key=lambda pair: (pair[0], -int(pair[1]["id"])))[1]
