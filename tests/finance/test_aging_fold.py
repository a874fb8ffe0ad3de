"""Folding page by page gives exactly the one-shot reports, whatever the page boundaries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.aging import (
    AgingFold,
    DebtorsFold,
    OverdueFold,
    aging_report,
    overdue,
    top_debtors,
)
from flowtly_mcp.finance.records import InvoiceView

from .builders import invoice
from .test_aging import AS_OF, portfolio


def pages(invoices: Sequence[InvoiceView], cuts: Sequence[int]) -> Iterator[list[InvoiceView]]:
    bounds = sorted({0, len(invoices), *(cut % (len(invoices) + 1) for cut in cuts)})
    for start, end in zip(bounds, bounds[1:], strict=False):
        yield list(invoices[start:end])


amounts = st.decimals(min_value=-500, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
Row = tuple[Decimal, int, str, int, bool]
books = st.lists(
    st.tuples(amounts, st.integers(1, 5), st.sampled_from(["PLN", "EUR"]), st.integers(-40, 200), st.booleans()),
    max_size=40,
)


def build(rows: list[Row]) -> list[InvoiceView]:
    made = []
    for number, (gross, client, currency, days, has_rate) in enumerate(rows, start=1):
        due = date.fromordinal(AS_OF.toordinal() - days).isoformat()
        rate = "4.3051" if has_rate else None
        made.append(invoice(number, f"FV/{number}", str(gross), client=client, currency=currency, rate=rate, due=due))
    return made


@given(books, st.lists(st.integers(0, 60), max_size=6), st.sampled_from(["client", "currency"]))
def test_aging_fold_matches_the_one_shot_report(rows: list[Row], cuts: list[int], group_by: str) -> None:
    invoices = build(rows)
    fold = AgingFold(AS_OF, group_by, True)  # type: ignore[arg-type]
    for page in pages(invoices, cuts):
        fold.add(page)
    assert fold.report() == aging_report(invoices, AS_OF, group_by, True)  # type: ignore[arg-type]


@given(books, st.lists(st.integers(0, 60), max_size=6))
def test_debtor_and_overdue_folds_match_the_one_shot_lists(rows: list[Row], cuts: list[int]) -> None:
    invoices = build(rows)
    debtors, late = DebtorsFold(AS_OF), OverdueFold(AS_OF, min_days=10)
    for page in pages(invoices, cuts):
        debtors.add(page)
        late.add(page)
    assert debtors.top(3) == top_debtors(invoices, AS_OF, 3)
    assert late.items() == overdue(invoices, AS_OF, min_days=10)


def test_a_fold_can_report_midway_and_keep_going() -> None:
    books = portfolio()
    fold = AgingFold(AS_OF)
    fold.add(books[:3])
    assert fold.report() == aging_report(books[:3], AS_OF)
    fold.add(books[3:])
    assert fold.report() == aging_report(books, AS_OF)


def test_a_fold_refuses_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="group_by"):
        AgingFold(AS_OF, "region")  # type: ignore[arg-type]
