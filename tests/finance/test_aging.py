"""Aging buckets (with their boundaries), per-currency totals, overdue lists and top debtors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.aging import (
    NO_CLIENT,
    AgingLine,
    Bucket,
    aging_report,
    bucket_of,
    days_past_due,
    overdue,
    top_debtors,
)
from flowtly_mcp.finance.money import exact_sum
from flowtly_mcp.finance.records import InvoiceView

from .builders import invoice, invoice_json

AS_OF = date(2026, 10, 31)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (400, "90+"),
    ],
)
def test_bucket_boundaries(days: int, bucket: Bucket) -> None:
    assert bucket_of(days) == bucket
    due = AS_OF - timedelta(days=days)
    subject = invoice(1, "FV/1", "10.00", due=due.isoformat(), issued="2026-01-01")
    assert days_past_due(subject, AS_OF) == days
    report = aging_report([subject], AS_OF)
    assert report.lines[0].buckets[bucket] == Decimal("10.00")


def portfolio() -> list[InvoiceView]:
    correction = invoice_json(8, "KOR/1", "-100.00", client=1, due="2026-10-20")
    correction["type"] = "KOR"
    return [
        invoice(1, "FV/1", "1000.00", client=1, paid=("200.00",), due="2026-10-31"),  # 0 days: current
        invoice(2, "FV/2", "500.00", client=1, due="2026-10-30"),  # 1 day
        invoice(3, "FV/3", "300.00", client=1, currency="EUR", rate="4.25", due="2026-09-30"),  # 31 days
        invoice(4, "FV/4", "250.50", client=2, due="2026-08-01"),  # 91 days
        invoice(5, "FV/5", "100.00", client=2, currency="EUR", due="2026-08-31"),  # 61 days, no rate
        invoice(6, "FV/6", "999.00", client=2, status="draft", due="2026-01-01"),  # drafts owe nothing
        invoice(7, "FV/7", "70.00", client=1, paid=("70.00",), due="2026-01-01"),  # settled
        InvoiceView.from_api(correction),  # a credit, kept out of the buckets
        invoice(9, "FV/9", "10.00", client=None, due=None, issued="2026-10-01"),  # due on issue: 30 days
    ]


def amounts(line: AgingLine) -> dict[str, str]:
    return {bucket: str(value) for bucket, value in line.buckets.items() if value}


def test_aging_by_client_keeps_currencies_apart() -> None:
    report = aging_report(portfolio(), AS_OF)
    summary = [
        (line.currency, line.group, amounts(line), str(line.total), line.invoice_count, str(line.credits))
        for line in report.lines
    ]
    assert summary == [
        ("EUR", "1", {"31-60": "300.00"}, "300.00", 1, "0"),
        ("EUR", "2", {"61-90": "100.00"}, "100.00", 1, "0"),
        ("PLN", NO_CLIENT, {"1-30": "10.00"}, "10.00", 1, "0"),
        ("PLN", "1", {"current": "800.00", "1-30": "500.00"}, "1300.00", 3, "-100.00"),
        ("PLN", "2", {"90+": "250.50"}, "250.50", 1, "0"),
    ]
    assert amounts(report.totals["PLN"]) == {"current": "800.00", "1-30": "510.00", "90+": "250.50"}
    assert report.totals["PLN"].total == Decimal("1560.50")
    assert report.totals["PLN"].credits == Decimal("-100.00")
    assert report.totals["EUR"].total == Decimal("400.00")
    assert report.base_equivalent is None


def test_aging_by_currency_gives_one_line_per_currency() -> None:
    report = aging_report(portfolio(), AS_OF, group_by="currency")
    assert [(line.group, str(line.total)) for line in report.lines] == [("EUR", "400.00"), ("PLN", "1560.50")]


def test_home_currency_equivalent_is_reported_separately_and_lists_missing_rates() -> None:
    report = aging_report(portfolio(), AS_OF, base_currency_equivalent=True)
    equivalent = report.base_equivalent
    assert equivalent is not None
    assert equivalent.currency == "PLN"
    assert {b: str(v) for b, v in equivalent.buckets.items() if v} == {
        "current": "800.00",
        "1-30": "510.00",
        "31-60": "1275.0000",  # 300.00 EUR × 4.25
        "90+": "250.50",
    }
    assert equivalent.total == Decimal("2835.50")
    assert equivalent.missing_rate == ("5",)
    assert report.totals["EUR"].total == Decimal("400.00")  # the real amounts are untouched


def test_group_by_must_be_known() -> None:
    with pytest.raises(ValueError, match="group_by"):
        aging_report([], AS_OF, group_by="region")  # type: ignore[arg-type]


def test_overdue_lists_most_overdue_first_with_filters() -> None:
    items = overdue(portfolio(), AS_OF)
    assert [(i.invoice_id, i.days_overdue, i.bucket) for i in items] == [
        ("4", 91, "90+"),
        ("5", 61, "61-90"),
        ("3", 31, "31-60"),
        ("9", 30, "1-30"),
        ("2", 1, "1-30"),
    ]
    assert [i.invoice_id for i in overdue(portfolio(), AS_OF, min_days=31)] == ["4", "5", "3"]
    assert [i.invoice_id for i in overdue(portfolio(), AS_OF, client="1")] == ["3", "2"]
    assert overdue(portfolio(), AS_OF, min_days=0)[-1].days_overdue == 1  # not-yet-due is never overdue
    assert items[0].open == Decimal("250.50") and items[0].currency == "PLN"


def test_top_debtors_per_currency() -> None:
    debtors = top_debtors(portfolio(), AS_OF, n=2)
    assert sorted(debtors) == ["EUR", "PLN"]
    pln = [
        (d.client_id, str(d.open_total), str(d.overdue_total), d.invoice_count, d.oldest_days_overdue)
        for d in debtors["PLN"]
    ]
    assert pln == [("1", "1300.00", "500.00", 2, 1), ("2", "250.50", "250.50", 1, 91)]
    assert [(d.client_id, str(d.open_total)) for d in debtors["EUR"]] == [("1", "300.00"), ("2", "100.00")]


money = st.integers(min_value=1, max_value=10**9).map(lambda grosze: Decimal(grosze).scaleb(-2))


@given(st.lists(st.tuples(money, st.sampled_from(["PLN", "EUR", "JPY"]), st.integers(-30, 200)), max_size=40))
def test_totals_are_exact_and_currencies_never_mix(rows: list[tuple[Decimal, str, int]]) -> None:
    invoices = [
        invoice(
            n,
            f"FV/{n}",
            str(amount),
            currency=currency,
            due=(AS_OF - timedelta(days=days)).isoformat(),
            issued="2020-01-01",
            client=n % 3,
        )
        for n, (amount, currency, days) in enumerate(rows, start=1)
    ]
    report = aging_report(invoices, AS_OF)
    for currency, line in report.totals.items():
        expected = exact_sum(amount for amount, cur, _ in rows if cur == currency)
        assert line.total == expected
        assert exact_sum(line.buckets.values()) == expected
        assert exact_sum(g.total for g in report.lines if g.currency == currency) == expected
    assert set(report.totals) == {currency for _, currency, _ in rows}
