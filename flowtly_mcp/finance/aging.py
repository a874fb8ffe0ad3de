"""Receivables questions: how old is what we are owed, what is overdue, who owes most.

Open amounts are grouped per currency and never added across currencies; a home-currency equivalent (through
each invoice's ``conversionRate``) is reported on its own, beside the real amounts. Drafts owe nothing. An
invoice with a negative open amount (over-paid, or a correction) is a credit and is reported apart from the
age buckets. An invoice with no due date is due on its issue date; with neither, it counts as current.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from .money import exact_mul, exact_sum
from .records import DEFAULT_CURRENCY, InvoiceView

Bucket = Literal["current", "1-30", "31-60", "61-90", "90+"]
BUCKETS: tuple[Bucket, ...] = ("current", "1-30", "31-60", "61-90", "90+")
GroupBy = Literal["client", "currency"]
NO_CLIENT = "(no client)"


def days_past_due(invoice: InvoiceView, as_of: date) -> int:
    """Days since the invoice fell due (0 or less means not yet overdue)."""
    due = invoice.effective_due_date
    return (as_of - due).days if due else 0


def bucket_of(days: int) -> Bucket:
    """The age bucket for a number of days past due: current (≤0), 1-30, 31-60, 61-90, 90+ (≥91)."""
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def _receivable(invoice: InvoiceView) -> bool:
    return not invoice.is_draft and invoice.open != 0


@dataclass(frozen=True, slots=True)
class AgingLine:
    """Open amounts of one group in one currency, by age bucket; ``credits`` holds negative open amounts."""

    group: str
    currency: str
    buckets: dict[Bucket, Decimal]
    total: Decimal
    invoice_count: int
    credits: Decimal


@dataclass(frozen=True, slots=True)
class BaseEquivalent:
    """Home-currency equivalent of all open amounts; invoices without a conversion rate are listed, not guessed."""

    currency: str
    buckets: dict[Bucket, Decimal]
    total: Decimal
    missing_rate: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgingReport:
    """Aging lines per group and currency, exact totals per currency, and the optional home-currency view."""

    as_of: date
    group_by: GroupBy
    lines: tuple[AgingLine, ...]
    totals: dict[str, AgingLine]
    base_equivalent: BaseEquivalent | None


class _Accumulator:
    def __init__(self) -> None:
        self.amounts: dict[Bucket, list[Decimal]] = {bucket: [] for bucket in BUCKETS}
        self.credits: list[Decimal] = []
        self.count = 0

    def add(self, amount: Decimal, bucket: Bucket) -> None:
        self.count += 1
        if amount < 0:
            self.credits.append(amount)
        else:
            self.amounts[bucket].append(amount)

    def line(self, group: str, currency: str) -> AgingLine:
        buckets = {bucket: exact_sum(values) for bucket, values in self.amounts.items()}
        total = exact_sum(buckets.values())
        return AgingLine(group, currency, buckets, total, self.count, exact_sum(self.credits))


def aging_report(
    invoices: Iterable[InvoiceView],
    as_of: date,
    group_by: GroupBy = "client",
    base_currency_equivalent: bool = False,
    *,
    base_currency: str = DEFAULT_CURRENCY,
) -> AgingReport:
    """Bucket every open invoice by days past due, per group (client or currency) and currency."""
    if group_by not in ("client", "currency"):
        raise ValueError(f"group_by must be 'client' or 'currency', not {group_by!r}")
    groups: dict[tuple[str, str], _Accumulator] = defaultdict(_Accumulator)
    totals: dict[str, _Accumulator] = defaultdict(_Accumulator)
    base: dict[Bucket, list[Decimal]] = {bucket: [] for bucket in BUCKETS}
    missing_rate: list[str] = []
    for invoice in invoices:
        if not _receivable(invoice):
            continue
        bucket = bucket_of(days_past_due(invoice, as_of))
        group = invoice.currency if group_by == "currency" else invoice.client_id or NO_CLIENT
        groups[(group, invoice.currency)].add(invoice.open, bucket)
        totals[invoice.currency].add(invoice.open, bucket)
        if base_currency_equivalent and invoice.open > 0:
            if invoice.currency == base_currency:
                base[bucket].append(invoice.open)
            elif invoice.conversion_rate:
                base[bucket].append(exact_mul(invoice.open, invoice.conversion_rate))
            else:
                missing_rate.append(invoice.id)
    lines = tuple(groups[key].line(*key) for key in sorted(groups, key=lambda key: (key[1], key[0].zfill(20), key[0])))
    equivalent = None
    if base_currency_equivalent:
        base_buckets = {bucket: exact_sum(values) for bucket, values in base.items()}
        equivalent = BaseEquivalent(base_currency, base_buckets, exact_sum(base_buckets.values()), tuple(missing_rate))
    return AgingReport(
        as_of=as_of,
        group_by=group_by,
        lines=lines,
        totals={currency: totals[currency].line("all", currency) for currency in sorted(totals)},
        base_equivalent=equivalent,
    )


@dataclass(frozen=True, slots=True)
class OverdueItem:
    """One overdue invoice with what is still open on it."""

    invoice_id: str
    number: str | None
    client_id: str | None
    currency: str
    open: Decimal
    due_date: date | None
    days_overdue: int
    bucket: Bucket


def overdue(
    invoices: Iterable[InvoiceView], as_of: date, min_days: int = 1, client: str | None = None
) -> list[OverdueItem]:
    """Invoices at least ``min_days`` past due with money open, most overdue first (optionally for one client)."""
    items = []
    for invoice in invoices:
        if not _receivable(invoice) or invoice.open < 0 or (client is not None and invoice.client_id != client):
            continue
        days = days_past_due(invoice, as_of)
        if days >= max(min_days, 1):
            items.append(
                OverdueItem(
                    invoice.id,
                    invoice.number,
                    invoice.client_id,
                    invoice.currency,
                    invoice.open,
                    invoice.effective_due_date,
                    days,
                    bucket_of(days),
                )
            )
    return sorted(items, key=lambda item: (-item.days_overdue, item.currency, item.invoice_id.zfill(20)))


@dataclass(frozen=True, slots=True)
class Debtor:
    """What one client owes in one currency."""

    client_id: str
    currency: str
    open_total: Decimal
    overdue_total: Decimal
    invoice_count: int
    oldest_days_overdue: int


def top_debtors(invoices: Iterable[InvoiceView], as_of: date, n: int = 10) -> dict[str, list[Debtor]]:
    """Per currency, the ``n`` clients with the most open, largest first (ties by client id)."""
    open_amounts: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    overdue_amounts: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    oldest: dict[tuple[str, str], int] = defaultdict(int)
    for invoice in invoices:
        if not _receivable(invoice) or invoice.open < 0:
            continue
        key = (invoice.currency, invoice.client_id or NO_CLIENT)
        open_amounts[key].append(invoice.open)
        days = days_past_due(invoice, as_of)
        if days > 0:
            overdue_amounts[key].append(invoice.open)
            oldest[key] = max(oldest[key], days)
    per_currency: dict[str, list[Debtor]] = defaultdict(list)
    for (currency, client_id), amounts in open_amounts.items():
        debtor = Debtor(
            client_id,
            currency,
            exact_sum(amounts),
            exact_sum(overdue_amounts.get((currency, client_id), [])),
            len(amounts),
            oldest.get((currency, client_id), 0),
        )
        per_currency[currency].append(debtor)
    return {
        currency: sorted(debtors, key=lambda d: (-d.open_total, d.client_id.zfill(20)))[:n]
        for currency, debtors in sorted(per_currency.items())
    }
