"""Allocating a payment to invoices: exact amounts per invoice, and the books as they stood on a given day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flowtly_mcp.finance.matching import Allocation
from flowtly_mcp.finance.money import exact_sum
from flowtly_mcp.finance.records import BankTransaction, InvoiceView


def as_of(invoices: Iterable[InvoiceView], day: date) -> list[InvoiceView]:
    """The books as they stood at the end of `day`: later invoices left out, later payments not yet received.

    An invoice without an issue date is kept (it cannot be placed in time); so is a payment without a date.
    """
    seen: list[InvoiceView] = []
    for invoice in invoices:
        if invoice.issue_date is not None and invoice.issue_date > day:
            continue
        payments = tuple(p for p in invoice.payments if p.date is None or p.date <= day)
        if len(payments) != len(invoice.payments):
            paid = exact_sum(p.amount for p in payments)
            invoice = replace(invoice, payments=payments, paid=paid, open=invoice.gross - paid)
        seen.append(invoice)
    return seen


class AllocationProblem(ValueError):
    """A requested allocation that cannot be applied; `position` is its index in the request."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True, slots=True)
class Requested:
    invoice: InvoiceView
    amount: Decimal | None


def plan_allocations(
    payment: BankTransaction, requested: Sequence[Requested]
) -> tuple[list[Allocation], Decimal | None]:
    """Turn requested allocations into exact amounts, and the excess the payment keeps (an over-payment).

    In the payment's currency a missing amount takes what is open on the invoice, up to what is left of the
    payment, in the order given; no invoice may receive more than it has open, and all of them together no more
    than the payment. An invoice in another currency needs its amount stated; the excess is then unknown (None).
    """
    left = payment.amount
    cross_currency = False
    planned: list[Allocation] = []
    seen: set[str] = set()
    for position, item in enumerate(requested):
        invoice = item.invoice
        label = f"invoice {invoice.number or invoice.id}"
        if invoice.id in seen:
            raise AllocationProblem(position, f"{label} is listed twice; give it once with the whole amount")
        seen.add(invoice.id)
        if invoice.is_draft:
            raise AllocationProblem(position, f"{label} is a draft; issue it before applying a payment")
        if invoice.open <= 0:
            raise AllocationProblem(position, f"{label} has nothing open (paid {invoice.paid} of {invoice.gross})")
        same_currency = invoice.currency == payment.currency
        amount = item.amount
        if amount is None:
            if not same_currency:
                raise AllocationProblem(
                    position,
                    f"{label} is in {invoice.currency} and the payment in {payment.currency}: "
                    f"give the amount in {invoice.currency}",
                )
            if left <= 0:
                raise AllocationProblem(position, f"nothing of the payment is left for {label}")
            amount = min(invoice.open, left)
        if amount > invoice.open:
            raise AllocationProblem(
                position,
                f"{amount} {invoice.currency} is more than the {invoice.open} open on {label}; apply at most that "
                "(an over-payment stays on the transaction as a credit)",
            )
        if same_currency:
            if amount > left:
                raise AllocationProblem(
                    position,
                    f"the allocations add up to more than the payment of {payment.amount} {payment.currency}",
                )
            left -= amount
        else:
            cross_currency = True
        planned.append(Allocation(invoice.id, invoice.number, amount, invoice.currency, invoice.open - amount))
    return planned, None if cross_currency else left
