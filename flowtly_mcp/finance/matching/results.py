"""What reconciliation hands back: allocations, ranked candidates, per-transaction outcomes and the whole plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ..money import ZERO

OutcomeStatus = Literal["auto", "review", "no_match"]


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a payment applied to one invoice, in the invoice's currency.

    ``remainder`` is what stays open on the invoice afterwards (non-zero for a partial payment).
    """

    invoice_id: str
    invoice_number: str | None
    amount: Decimal
    currency: str
    remainder: Decimal


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to settle a payment, with the evidence for it.

    ``score`` is the sum of the signal points; ``confidence`` is that score scaled to 0..1. ``excess`` is the
    part of the payment (in the payment's currency) that no invoice absorbs: an over-payment to keep as a credit.
    """

    allocations: tuple[Allocation, ...]
    score: int
    confidence: float
    reasons: tuple[str, ...]
    excess: Decimal = ZERO

    @property
    def invoice_ids(self) -> tuple[str, ...]:
        return tuple(allocation.invoice_id for allocation in self.allocations)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to do with one bank transaction.

    ``auto``: exactly one candidate reaches the threshold, apply it. ``review``: candidates exist but none is
    certain enough alone. ``no_match``: nothing plausible; ``reasons`` says why. ``currency`` is the payment's
    currency as derived from the account it arrived in (None: unknown, and then nothing is ``auto``).
    """

    transaction_id: str
    status: OutcomeStatus
    candidates: tuple[Candidate, ...]
    reasons: tuple[str, ...]
    currency: str | None = None

    @property
    def chosen(self) -> Candidate | None:
        """The candidate to apply when the outcome is ``auto``."""
        return self.candidates[0] if self.status == "auto" and self.candidates else None


@dataclass(frozen=True, slots=True)
class Plan:
    """Outcomes for a batch of transactions, in the order the transactions were given."""

    outcomes: tuple[Outcome, ...]
    auto_threshold: int

    def with_status(self, status: OutcomeStatus) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status == status)

    @property
    def counts(self) -> dict[OutcomeStatus, int]:
        counts: dict[OutcomeStatus, int] = {"auto": 0, "review": 0, "no_match": 0}
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts
