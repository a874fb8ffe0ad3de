"""Scoring a payment against one invoice or a set of invoices, and working out how the money lands on them.

Points (in the spirit of common reconciliation engines): a reference to the invoice in the title +100 (loose
+90, one typo +60); the payer tied to the invoice's client +50, tied to another client −50; the amount equal to
the open amount +40 (converted at the invoice's rate within 0.5% +30); the invoice issued within 90 days before
or 20 days after the payment +10. A perfect single match scores 200, which is what confidence is scaled against.
With no usable reference, a certain payer (NIP or account of one client alone) whose open invoices fit the amount
exactly one way (one invoice, or one combination of two or three) earns +50 for that proof: 50 + 40 + 50 reaches
the auto threshold of 140 even without the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..money import ZERO, exact_mul, exact_sum, format_amount, quantize
from ..records import BankTransaction, InvoiceView
from .index import MatchIndex
from .payer import Payer
from .references import Reference
from .results import Allocation, Candidate

PARTY_POINTS = 50
CONFLICT_PENALTY = 50
EXACT_AMOUNT_POINTS = 40
FX_AMOUNT_POINTS = 30
DATE_POINTS = 10
UNIQUE_FIT_POINTS = 50
MAX_SCORE = 200
FX_TOLERANCE = Decimal("0.005")
DAYS_BEFORE_PAYMENT = 90
DAYS_AFTER_PAYMENT = 20


# Not frozen: one is made for every invoice scored, and a frozen dataclass pays for every field it sets.
@dataclass(slots=True)
class Settlement:
    """How a payment lands on one invoice: applied amount and remainder in the invoice's currency, excess in
    the payment's currency, and the points the amount earns."""

    applied: Decimal
    remainder: Decimal
    excess: Decimal
    points: int
    reason: str


def settle(
    transaction: BankTransaction, payment_currency: str | None, invoice: InvoiceView, home_currency: str
) -> Settlement | None:
    """Apply the whole payment to the invoice; None when the two currencies cannot be compared.

    A payment whose currency is unknown is compared as if it were in the invoice's currency: such a candidate is
    only ever offered for review (the engine sees to that), with the assumption stated.
    """
    paid, open_amount = transaction.amount, invoice.open
    if payment_currency is None or invoice.currency == payment_currency:
        currency = invoice.currency
        if paid == open_amount:
            return Settlement(open_amount, ZERO, ZERO, EXACT_AMOUNT_POINTS, "amount equals the open amount")
        if paid < open_amount:
            left = open_amount - paid
            reason = (
                f"partial payment: {format_amount(paid, currency)} of {format_amount(open_amount, currency)} open; "
                f"{format_amount(left, currency)} stays open"
            )
            return Settlement(paid, left, ZERO, 0, reason)
        excess = paid - open_amount
        reason = (
            f"over-payment: {format_amount(open_amount, currency)} open, {format_amount(paid, currency)} paid; "
            f"{format_amount(excess, currency)} excess to keep as a credit"
        )
        return Settlement(open_amount, ZERO, excess, 0, reason)
    rate = invoice.conversion_rate
    if payment_currency != home_currency or not rate or rate <= 0:
        return None
    equivalent = exact_mul(open_amount, rate)
    at_rate = (
        f"{format_amount(open_amount, invoice.currency)} open × rate {rate} "
        f"= {format_amount(equivalent, home_currency)}"
    )
    if abs(paid - equivalent) <= exact_mul(equivalent, FX_TOLERANCE):
        return Settlement(open_amount, ZERO, ZERO, FX_AMOUNT_POINTS, f"amount matches {at_rate} within 0.5%")
    if paid < equivalent:
        applied = min(quantize(paid / rate, invoice.currency), open_amount)
        left = open_amount - applied
        reason = (
            f"partial payment: {format_amount(paid, home_currency)} ≈ {format_amount(applied, invoice.currency)} "
            f"against {at_rate}; {format_amount(left, invoice.currency)} stays open"
        )
        return Settlement(applied, left, ZERO, 0, reason)
    excess = quantize(paid - equivalent, home_currency)
    reason = f"over-payment against {at_rate}; {format_amount(excess, home_currency)} excess to keep as a credit"
    return Settlement(open_amount, ZERO, excess, 0, reason)


def date_points(transaction: BankTransaction, invoice: InvoiceView) -> tuple[int, str | None]:
    issued = invoice.issue_date
    if issued is None:
        return 0, None
    # Issued at most DAYS_BEFORE_PAYMENT days before the payment and at most DAYS_AFTER_PAYMENT days after it.
    if -DAYS_AFTER_PAYMENT <= (transaction.date - issued).days <= DAYS_BEFORE_PAYMENT:
        return DATE_POINTS, f"issued {issued.isoformat()}, within the payment's date window"
    return 0, None


def party_points(invoice: InvoiceView, payer: Payer, index: MatchIndex) -> tuple[int, str | None]:
    """+50 when the payer is the invoice's client, −50 when the payer is recognised as someone else."""
    if invoice.client_id and invoice.client_id in payer.clients:
        return PARTY_POINTS, payer.clients[invoice.client_id]
    buyer_key = index.tax_key_by_invoice.get(invoice.id)
    if buyer_key and buyer_key in payer.tax_keys:
        return PARTY_POINTS, f"payer NIP equals the invoice's buyer NIP {invoice.buyer_tin}"
    if payer.clients:
        payers = ", ".join(index.client_label(client_id) for client_id in sorted(payer.clients))
        billed = index.client_label(invoice.client_id) if invoice.client_id else "no client"
        return -CONFLICT_PENALTY, f"payer is {payers}, but the invoice is billed to {billed}"
    return 0, None


def confidence(score: int) -> float:
    return round(max(0, min(score, MAX_SCORE)) / MAX_SCORE, 2)


def score_single(
    transaction: BankTransaction,
    payment_currency: str | None,
    invoice: InvoiceView,
    reference: Reference | None,
    payer: Payer,
    index: MatchIndex,
) -> Candidate | None:
    """A candidate applying the whole payment to one invoice; None when the currencies cannot be compared."""
    settlement = settle(transaction, payment_currency, invoice, index.home_currency)
    if settlement is None:
        return None
    score = 0
    reasons: list[str] = []
    if reference:
        score += reference.points
        reasons.append(reference.reason)
    for points, reason in (party_points(invoice, payer, index), date_points(transaction, invoice)):
        score += points
        if reason:
            reasons.append(reason)
    score += settlement.points
    reasons.append(settlement.reason)
    allocation = Allocation(invoice.id, invoice.number, settlement.applied, invoice.currency, settlement.remainder)
    return Candidate((allocation,), score, confidence(score), tuple(reasons), settlement.excess)


def score_group(
    transaction: BankTransaction,
    payment_currency: str | None,
    invoices: list[InvoiceView],
    references: dict[str, Reference],
    payer: Payer,
    index: MatchIndex,
) -> Candidate:
    """A candidate settling several invoices in full, whose open amounts add up exactly to the payment."""
    total = exact_sum(invoice.open for invoice in invoices)
    score = 0
    reasons: list[str] = []
    if all(invoice.id in references for invoice in invoices):
        score += min(references[invoice.id].points for invoice in invoices)
        reasons.extend(references[invoice.id].reason for invoice in invoices)
    parties = [party_points(invoice, payer, index) for invoice in invoices]
    if all(points > 0 for points, _ in parties):
        score += PARTY_POINTS
        reasons.append(str(parties[0][1]))
    elif any(points < 0 for points, _ in parties):
        score -= CONFLICT_PENALTY
        reasons.extend(str(reason) for points, reason in parties if points < 0)
    score += EXACT_AMOUNT_POINTS
    shown = format_amount(total, payment_currency or invoices[0].currency)
    reasons.append(f"{len(invoices)} open invoices total exactly {shown}, oldest first")
    if all(date_points(transaction, invoice)[0] for invoice in invoices):
        score += DATE_POINTS
        reasons.append("all issued within the payment's date window")
    allocations = tuple(Allocation(inv.id, inv.number, inv.open, inv.currency, ZERO) for inv in invoices)
    return Candidate(allocations, score, confidence(score), tuple(reasons))
