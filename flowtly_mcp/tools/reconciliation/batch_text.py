"""A batch as a person (and the model) reads it: one line per payment, its warnings, and totals per currency.

A batch of hundreds of payments must stay readable and cheap in tokens, so each payment is one line: the
transaction, its date and amount, then each invoice it goes to with the amount (the currency only where it is not
the payment's), a partial payment's open remainder, and an over-payment's credit. Totals are per currency and never
add one currency to another; payments whose currency is unknown are counted as such and never applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from flowtly_mcp.finance.matching import Allocation
from flowtly_mcp.finance.money import exact_sum
from flowtly_mcp.tools.kernel.shapes import decimal_text
from flowtly_mcp.tools.reconciliation.batch_plan import PlannedPayment

# Each warning also marks its payment's line; past this many the list says how many more there are.
MAX_WARNINGS = 20


def invoice_label(allocation: Allocation) -> str:
    return allocation.invoice_number or f"invoice #{allocation.invoice_id}"


def _share(allocation: Allocation, payment_currency: str, record: str | None) -> str:
    text = f"{invoice_label(allocation)} {decimal_text(allocation.amount)}"
    if allocation.currency != payment_currency:
        text += f" {allocation.currency}"
    notes = []
    if allocation.remainder > 0:
        notes.append(f"partial, {decimal_text(allocation.remainder)} left open")
    if record is not None:
        notes.append(f"record {record}")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def payment_line(payment: PlannedPayment, records: Sequence[str | None] | None = None) -> str:
    """`txn_1 2026-11-15 1230.00 PLN → FV/1 1000.00 + FV/2 230.00 (partial, 50.00 left open); over-payment …`.

    With `records` (the invoice-transactions written, in allocation order) it says what was written.
    """
    written = list(records) if records is not None else [None] * len(payment.allocations)
    shares = " + ".join(_share(a, payment.currency, r) for a, r in zip(payment.allocations, written, strict=True))
    line = (
        f"{payment.transaction} {payment.date.isoformat()} {decimal_text(payment.amount)} {payment.currency} → {shares}"
    )
    if payment.excess > 0:
        line += f"; over-payment {decimal_text(payment.excess)} {payment.currency} stays as a credit"
    return line


def warnings(payments: Sequence[PlannedPayment], unknown_currency: int) -> list[str]:
    found: list[str] = []
    for payment in payments:
        if payment.excess > 0:
            found.append(
                f"over-payment: {payment.transaction}: {decimal_text(payment.excess)} {payment.currency} stays on "
                "the transaction as a credit"
            )
        found += [
            f"partial: {payment.transaction}: {decimal_text(a.remainder)} {a.currency} stays open on {invoice_label(a)}"
            for a in payment.allocations
            if a.remainder > 0
        ]
    if len(found) > MAX_WARNINGS:
        more = len(found) - MAX_WARNINGS
        found = [*found[:MAX_WARNINGS], f"… and {more} more partial or over-payments, marked in their lines"]
    if unknown_currency:
        found.append(
            f"{_count(unknown_currency, 'payment')} of the period in an unknown currency (the account they arrived in "
            "names none): never applied"
        )
    return found


def totals(payments: Sequence[PlannedPayment], unknown_currency: int = 0) -> list[str]:
    """One line per currency: payments received in it, what goes to invoices in it, over-paid, left open."""
    currencies = sorted({p.currency for p in payments} | {a.currency for p in payments for a in p.allocations})
    lines = []
    for currency in currencies:
        received = [p.amount for p in payments if p.currency == currency]
        shares = [a for p in payments for a in p.allocations if a.currency == currency]
        over = [p.excess for p in payments if p.currency == currency and p.excess > 0]
        partial = [a.remainder for a in shares if a.remainder > 0]
        parts = [
            f"{_count(len(received), 'payment')}, {_sum(received)} received",
            f"{_sum(a.amount for a in shares)} to {_count(len({a.invoice_id for a in shares}), 'invoice')}",
        ]
        if over:
            parts.append(f"{_sum(over)} over-paid on {_count(len(over), 'payment')} (credit)")
        if partial:
            parts.append(f"{_sum(partial)} left open on {_count(len(partial), 'partly paid invoice')}")
        lines.append(f"{currency}: " + ", ".join(parts))
    if unknown_currency:
        lines.append(f"unknown currency: {_count(unknown_currency, 'payment')}, not applied")
    return lines


def _sum(amounts: Iterable[Decimal]) -> str:
    return decimal_text(exact_sum(amounts))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
