"""Client statement of account: opening balance, invoices (debit) and payments (credit) in date order with a
running balance, and the closing balance, kept separately for each currency the client is billed in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from .money import ZERO, exact_sum
from .records import AppliedPayment, InvoiceView

LineKind = Literal["invoice", "payment"]


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement on the account; ``balance`` is the running balance after it."""

    date: date
    kind: LineKind
    invoice_id: str
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class CurrencyStatement:
    """The account in one currency over the period."""

    currency: str
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    total_debit: Decimal
    total_credit: Decimal
    closing_balance: Decimal


@dataclass(frozen=True, slots=True)
class ClientStatement:
    """A client's statement for ``date_from``..``date_to`` (inclusive), one section per currency."""

    client_id: str
    date_from: date
    date_to: date
    currencies: dict[str, CurrencyStatement]
    # Payments without a date cannot be placed on the statement; they are counted here instead.
    undated_payments: int


@dataclass(frozen=True, slots=True)
class _Movement:
    day: date
    kind: LineKind
    invoice_id: str
    reference: str
    amount: Decimal  # positive = the client owes more

    @property
    def order(self) -> tuple[date, int, str, str]:
        # Same day: the invoice before the payment that settles it.
        return self.day, 0 if self.kind == "invoice" else 1, self.reference, self.invoice_id.zfill(20)


def client_statement(
    invoices: Iterable[InvoiceView],
    payments: Iterable[AppliedPayment] | None,
    client: str,
    date_from: date,
    date_to: date,
) -> ClientStatement:
    """Build the statement. ``payments`` defaults to the payments embedded in the client's invoices.

    Invoices count on their issue date at their gross amount (a negative correction becomes a credit);
    payments count on their date, in the currency of the invoice they were applied to.
    """
    if date_from > date_to:
        raise ValueError(f"date_from {date_from} is after date_to {date_to}")
    own = {invoice.id: invoice for invoice in invoices if invoice.client_id == client and not invoice.is_draft}
    applied = [p for invoice in own.values() for p in invoice.payments] if payments is None else list(payments)
    movements: dict[str, list[_Movement]] = defaultdict(list)
    for invoice in own.values():
        if invoice.issue_date:
            reference = invoice.number or f"invoice {invoice.id}"
            movements[invoice.currency].append(
                _Movement(invoice.issue_date, "invoice", invoice.id, reference, invoice.gross)
            )
    undated = 0
    for payment in applied:
        paid_invoice = own.get(payment.invoice_id or "")
        if paid_invoice is None:
            continue
        if payment.date is None:
            undated += 1
            continue
        reference = f"payment for {paid_invoice.number or 'invoice ' + paid_invoice.id}"
        movement = _Movement(payment.date, "payment", paid_invoice.id, reference, -payment.amount)
        movements[paid_invoice.currency].append(movement)
    sections = {
        currency: _section(currency, items, date_from, date_to) for currency, items in sorted(movements.items())
    }
    return ClientStatement(client, date_from, date_to, sections, undated)


def _section(currency: str, movements: list[_Movement], date_from: date, date_to: date) -> CurrencyStatement:
    opening = exact_sum(m.amount for m in movements if m.day < date_from)
    balance = opening
    lines = []
    for movement in sorted((m for m in movements if date_from <= m.day <= date_to), key=lambda m: m.order):
        balance += movement.amount
        debit = movement.amount if movement.amount > 0 else ZERO
        credit = -movement.amount if movement.amount < 0 else ZERO
        lines.append(
            StatementLine(movement.day, movement.kind, movement.invoice_id, movement.reference, debit, credit, balance)
        )
    total_debit = exact_sum(line.debit for line in lines)
    total_credit = exact_sum(line.credit for line in lines)
    return CurrencyStatement(currency, opening, tuple(lines), total_debit, total_credit, balance)
