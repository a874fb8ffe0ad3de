"""Receivables questions: how old is what we are owed, what is overdue, who owes most.

Open amounts are grouped per currency and never added across currencies; a home-currency equivalent (through
each invoice's ``conversionRate``) is reported on its own, beside the real amounts. Drafts owe nothing. An
invoice with a negative open amount (over-paid, or a correction) is a credit and is reported apart from the
age buckets. An invoice with no due date is due on its issue date; with neither, it counts as current.

Each report can also be folded page by page (`AgingFold`, `DebtorsFold`, `OverdueFold`): `add` a page of invoices
as it arrives and ask for the result at the end. A fold keeps running exact sums per group, not the invoices, so a
caller that drops each page after adding it holds one page at a time, whatever the size of the books.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from .money import ZERO, exact_mul, exact_sum
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


def _plus(total: Decimal, amount: Decimal) -> Decimal:
    # exact_sum of two: a running total that raises decimal.Inexact rather than round, as a sum of the list would.
    return exact_sum((total, amount))


class _Accumulator:
    """Running exact sums of one group by bucket, its credits and its invoice count."""

    def __init__(self) -> None:
        self.amounts: dict[Bucket, Decimal] = dict.fromkeys(BUCKETS, ZERO)
        self.credits = ZERO
        self.count = 0

    def add(self, amount: Decimal, bucket: Bucket) -> None:
        self.count += 1
        if amount < 0:
            self.credits = _plus(self.credits, amount)
        else:
            self.amounts[bucket] = _plus(self.amounts[bucket], amount)

    def line(self, group: str, currency: str) -> AgingLine:
        buckets = dict(self.amounts)
        return AgingLine(group, currency, buckets, exact_sum(buckets.values()), self.count, self.credits)


class AgingFold:
    """`aging_report` page by page: `add` each page of invoices as it arrives, then `report()`."""

    def __init__(
        self,
        as_of: date,
        group_by: GroupBy = "client",
        base_currency_equivalent: bool = False,
        *,
        base_currency: str = DEFAULT_CURRENCY,
    ) -> None:
        if group_by not in ("client", "currency"):
            raise ValueError(f"group_by must be 'client' or 'currency', not {group_by!r}")
        self.as_of = as_of
        self.group_by: GroupBy = group_by
        self.base_currency_equivalent = base_currency_equivalent
        self.base_currency = base_currency
        self._groups: dict[tuple[str, str], _Accumulator] = defaultdict(_Accumulator)
        self._totals: dict[str, _Accumulator] = defaultdict(_Accumulator)
        self._base: dict[Bucket, Decimal] = dict.fromkeys(BUCKETS, ZERO)
        self._missing_rate: list[str] = []

    def add(self, invoices: Iterable[InvoiceView]) -> None:
        """Fold a page (or any number) of invoices into the report; the invoices are not kept."""
        for invoice in invoices:
            if not _receivable(invoice):
                continue
            bucket = bucket_of(days_past_due(invoice, self.as_of))
            group = invoice.currency if self.group_by == "currency" else invoice.client_id or NO_CLIENT
            self._groups[(group, invoice.currency)].add(invoice.open, bucket)
            self._totals[invoice.currency].add(invoice.open, bucket)
            if self.base_currency_equivalent and invoice.open > 0:
                if invoice.currency == self.base_currency:
                    self._base[bucket] = _plus(self._base[bucket], invoice.open)
                elif invoice.conversion_rate:
                    converted = exact_mul(invoice.open, invoice.conversion_rate)
                    self._base[bucket] = _plus(self._base[bucket], converted)
                else:
                    self._missing_rate.append(invoice.id)

    def report(self) -> AgingReport:
        """The report of everything added so far (adding more afterwards is allowed)."""
        groups = self._groups
        ordered = sorted(groups, key=lambda key: (key[1], key[0].zfill(20), key[0]))
        equivalent = None
        if self.base_currency_equivalent:
            base = dict(self._base)
            # Sorted: pages may be added in any order, the report is the same.
            missing = tuple(sorted(self._missing_rate, key=lambda invoice_id: (invoice_id.zfill(20), invoice_id)))
            equivalent = BaseEquivalent(self.base_currency, base, exact_sum(base.values()), missing)
        return AgingReport(
            as_of=self.as_of,
            group_by=self.group_by,
            lines=tuple(groups[key].line(*key) for key in ordered),
            totals={currency: self._totals[currency].line("all", currency) for currency in sorted(self._totals)},
            base_equivalent=equivalent,
        )


def aging_report(
    invoices: Iterable[InvoiceView],
    as_of: date,
    group_by: GroupBy = "client",
    base_currency_equivalent: bool = False,
    *,
    base_currency: str = DEFAULT_CURRENCY,
) -> AgingReport:
    """Bucket every open invoice by days past due, per group (client or currency) and currency."""
    fold = AgingFold(as_of, group_by, base_currency_equivalent, base_currency=base_currency)
    fold.add(invoices)
    return fold.report()


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


class OverdueFold:
    """`overdue` page by page: keeps only the overdue items (a few fields each), not the invoices."""

    def __init__(self, as_of: date, min_days: int = 1, client: str | None = None) -> None:
        self.as_of = as_of
        self.min_days = max(min_days, 1)
        self.client = client
        self._items: list[OverdueItem] = []

    def add(self, invoices: Iterable[InvoiceView]) -> None:
        for invoice in invoices:
            if not _receivable(invoice) or invoice.open < 0:
                continue
            if self.client is not None and invoice.client_id != self.client:
                continue
            days = days_past_due(invoice, self.as_of)
            if days >= self.min_days:
                self._items.append(
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

    def items(self) -> list[OverdueItem]:
        """Most overdue first; ties by currency and invoice id."""
        return sorted(self._items, key=lambda item: (-item.days_overdue, item.currency, item.invoice_id.zfill(20)))


def overdue(
    invoices: Iterable[InvoiceView], as_of: date, min_days: int = 1, client: str | None = None
) -> list[OverdueItem]:
    """Invoices at least ``min_days`` past due with money open, most overdue first (optionally for one client)."""
    fold = OverdueFold(as_of, min_days, client)
    fold.add(invoices)
    return fold.items()


@dataclass(frozen=True, slots=True)
class Debtor:
    """What one client owes in one currency."""

    client_id: str
    currency: str
    open_total: Decimal
    overdue_total: Decimal
    invoice_count: int
    oldest_days_overdue: int


class DebtorsFold:
    """`top_debtors` page by page: running totals per client and currency, not the invoices."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self._open: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        self._overdue: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        self._count: dict[tuple[str, str], int] = defaultdict(int)
        self._oldest: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, invoices: Iterable[InvoiceView]) -> None:
        for invoice in invoices:
            if not _receivable(invoice) or invoice.open < 0:
                continue
            key = (invoice.currency, invoice.client_id or NO_CLIENT)
            self._open[key] = _plus(self._open[key], invoice.open)
            self._count[key] += 1
            days = days_past_due(invoice, self.as_of)
            if days > 0:
                self._overdue[key] = _plus(self._overdue[key], invoice.open)
                self._oldest[key] = max(self._oldest[key], days)

    def top(self, n: int = 10) -> dict[str, list[Debtor]]:
        """Per currency, the ``n`` clients with the most open, largest first (ties by client id)."""
        per_currency: dict[str, list[Debtor]] = defaultdict(list)
        for (currency, client_id), total in self._open.items():
            key = (currency, client_id)
            debtor = Debtor(
                client_id, currency, total, self._overdue.get(key, ZERO), self._count[key], self._oldest.get(key, 0)
            )
            per_currency[currency].append(debtor)
        return {
            currency: sorted(debtors, key=lambda d: (-d.open_total, d.client_id.zfill(20)))[:n]
            for currency, debtors in sorted(per_currency.items())
        }


def top_debtors(invoices: Iterable[InvoiceView], as_of: date, n: int = 10) -> dict[str, list[Debtor]]:
    """Per currency, the ``n`` clients with the most open, largest first (ties by client id)."""
    fold = DebtorsFold(as_of)
    fold.add(invoices)
    return fold.top(n)
