"""The plan a person approves for a batch: each payment to apply, exactly how, and its invoices as the preview saw them.

It is what is stored with the approval (and shown by `approvals show`) and what a confirmation executes. It holds the
confident matches only, never the whole matching input, so a batch of a thousand payments stays a small record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flowtly_mcp.finance.matching import Allocation, Outcome
from flowtly_mcp.finance.records import BankTransaction, InvoiceView


@dataclass(frozen=True)
class SeenInvoice:
    """An invoice a payment lands on, as the preview read it: a confirmation writes only while it is the same."""

    id: str
    number: str | None
    open: Decimal
    applications: int

    @property
    def label(self) -> str:
        return self.number or f"invoice #{self.id}"


@dataclass(frozen=True)
class PlannedPayment:
    transaction: str
    date: date
    amount: Decimal
    currency: str
    allocations: tuple[Allocation, ...]
    # Part of the payment no invoice absorbs (an over-payment, kept on the transaction as a credit).
    excess: Decimal
    invoices: tuple[SeenInvoice, ...]


@dataclass(frozen=True)
class BatchApproval:
    date_from: date
    date_to: date
    payments: tuple[PlannedPayment, ...]
    review: int
    no_match: int
    already_applied: int
    # Payments of the period whose currency nobody can tell: shown as such, never applied.
    unknown_currency: int

    def state(self) -> list[Any]:
        """What the approval is about: each payment's writes and its invoices as seen (a fingerprint's input)."""
        return [
            [
                p.transaction,
                [(a.invoice_id, str(a.amount)) for a in p.allocations],
                [(seen.id, str(seen.open), seen.applications) for seen in p.invoices],
            ]
            for p in self.payments
        ]


def planned_payment(
    outcome: Outcome, transaction: BankTransaction, invoices: Mapping[str, InvoiceView]
) -> PlannedPayment:
    chosen = outcome.chosen
    assert chosen is not None, "only confident matches are planned"
    seen = []
    for allocation in chosen.allocations:
        invoice = invoices[allocation.invoice_id]
        seen.append(SeenInvoice(invoice.id, invoice.number, invoice.open, len(invoice.payments)))
    return PlannedPayment(
        transaction=transaction.id,
        date=transaction.date,
        amount=transaction.amount,
        currency=transaction.currency,
        allocations=chosen.allocations,
        excess=chosen.excess,
        invoices=tuple(dict.fromkeys(seen)),
    )


def batch_approval(
    window: tuple[date, date],
    outcomes: Sequence[Outcome],
    transactions: Mapping[str, BankTransaction],
    invoices: Mapping[str, InvoiceView],
    already_applied: int,
) -> BatchApproval:
    """The confident matches of a matcher run, in the order they are written: by booking date, then id."""
    auto = [o for o in outcomes if o.status == "auto" and o.chosen is not None]
    auto.sort(key=lambda o: (transactions[o.transaction_id].date, o.transaction_id))
    return BatchApproval(
        date_from=window[0],
        date_to=window[1],
        payments=tuple(planned_payment(o, transactions[o.transaction_id], invoices) for o in auto),
        review=sum(1 for o in outcomes if o.status == "review"),
        no_match=sum(1 for o in outcomes if o.status == "no_match"),
        already_applied=already_applied,
        unknown_currency=sum(1 for o in outcomes if transactions[o.transaction_id].known_currency is None),
    )
