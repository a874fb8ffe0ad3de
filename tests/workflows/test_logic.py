"""The pure helpers of the workflow tools: allocation planning, the books as of a day, FA XML, dates, hints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.allocation import AllocationProblem, Requested, as_of, plan_allocations
from flowtly_mcp.finance.calendar import add_months, today_in_poland
from flowtly_mcp.finance.ksef import fa_seller_nip, specific_fix
from flowtly_mcp.finance.records import BankTransaction, InvoiceView
from flowtly_mcp.tools.kernel.shapes import decimal_text, range_end


def invoice(
    number: int, gross: str, *, paid: tuple[tuple[str, str], ...] = (), currency: str = "PLN", **extra: Any
) -> InvoiceView:
    return InvoiceView.from_api(
        {
            "id": number,
            "name": f"FV/{number}",
            "amount": gross,
            "currency": currency,
            "status": "issued",
            "issueDate": "2026-10-01",
            "invoiceTransactions": [{"amount": amount, "date": day} for amount, day in paid],
            **extra,
        }
    )


def payment(amount: str, currency: str = "PLN") -> BankTransaction:
    return BankTransaction.from_api({"id": "txn_1", "amount": amount, "currency": currency, "execDate": "2026-11-01"})


def test_missing_amounts_fill_invoices_in_order_and_the_rest_is_excess() -> None:
    planned, excess = plan_allocations(
        payment("1000.00"), [Requested(invoice(1, "300.00"), None), Requested(invoice(2, "500.00"), None)]
    )
    assert [(a.invoice_id, a.amount, a.remainder) for a in planned] == [
        ("1", Decimal("300.00"), Decimal(0)),
        ("2", Decimal("500.00"), Decimal(0)),
    ]
    assert excess == Decimal("200.00")


def test_a_short_payment_leaves_the_last_invoice_partly_open() -> None:
    planned, excess = plan_allocations(
        payment("400.00"), [Requested(invoice(1, "300.00"), None), Requested(invoice(2, "500.00"), None)]
    )
    assert [(a.amount, a.remainder) for a in planned] == [
        (Decimal("300.00"), 0),
        (Decimal("100.00"), Decimal("400.00")),
    ]
    assert excess == 0


@pytest.mark.parametrize(
    ("paid", "requested", "position", "phrase"),
    [
        ("700.00", [Requested(invoice(1, "300.00"), Decimal("300.01"))], 0, "more than the 300.00 open"),
        ("700.00", [Requested(invoice(1, "300.00", paid=(("300.00", "2026-10-02"),)), None)], 0, "nothing open"),
        ("700.00", [Requested(invoice(1, "300.00", status="draft"), None)], 0, "draft"),
        ("700.00", [Requested(invoice(1, "300.00"), None), Requested(invoice(1, "300.00"), None)], 1, "listed twice"),
        (
            "600.00",
            [Requested(invoice(1, "900.00"), Decimal("600")), Requested(invoice(2, "9.00"), None)],
            1,
            "nothing",
        ),
        ("700.00", [Requested(invoice(1, "700.00"), None), Requested(invoice(2, "100"), Decimal("1"))], 1, "add up"),
        ("700.00", [Requested(invoice(1, "80.00", currency="EUR"), None)], 0, "give the amount in EUR"),
    ],
)
def test_impossible_allocations_are_named(paid: str, requested: list[Requested], position: int, phrase: str) -> None:
    with pytest.raises(AllocationProblem) as problem:
        plan_allocations(payment(paid), requested)
    assert problem.value.position == position
    assert phrase in str(problem.value)


def test_another_currency_needs_its_amount_and_leaves_the_excess_unknown() -> None:
    planned, excess = plan_allocations(
        payment("430.00"), [Requested(invoice(1, "100.00", currency="EUR"), Decimal("100"))]
    )
    assert [(a.currency, a.amount) for a in planned] == [("EUR", Decimal("100"))]
    assert excess is None


@given(
    st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2), min_size=1, max_size=6),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500000"), places=2),
)
def test_allocations_never_exceed_the_payment_or_an_invoice(grosses: list[Decimal], paid: Decimal) -> None:
    invoices = [invoice(i, str(g)) for i, g in enumerate(grosses, start=1)]
    try:
        planned, excess = plan_allocations(payment(str(paid)), [Requested(i, None) for i in invoices])
    except AllocationProblem as problem:
        assert "nothing of the payment is left" in str(problem)
        return
    assert excess is not None and excess >= 0
    assert sum((a.amount for a in planned), Decimal(0)) + excess == paid
    assert all(
        0 < a.amount <= i.open and a.remainder == i.open - a.amount for a, i in zip(planned, invoices, strict=False)
    )


def test_the_books_as_of_a_day_ignore_later_invoices_and_later_payments() -> None:
    early = invoice(1, "100.00", paid=(("40.00", "2026-10-05"), ("60.00", "2026-11-05")))
    late = invoice(2, "50.00", issueDate="2026-11-02")
    [seen] = as_of([early, late], date(2026, 10, 31))
    assert (seen.id, seen.paid, seen.open) == ("1", Decimal("40.00"), Decimal("60.00"))
    assert [i.open for i in as_of([early, late], date(2026, 11, 30))] == [Decimal("0.00"), Decimal("50.00")]


FA = b"""<?xml version="1.0" encoding="UTF-8"?>
<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">
  <Podmiot1><DaneIdentyfikacyjne><NIP>5273180297</NIP><Nazwa>Seller</Nazwa></DaneIdentyfikacyjne></Podmiot1>
  <Podmiot2><DaneIdentyfikacyjne><NIP>8567346215</NIP></DaneIdentyfikacyjne></Podmiot2>
</Faktura>"""


def test_the_seller_nip_is_read_from_podmiot1_only() -> None:
    assert fa_seller_nip(FA) == "5273180297"
    assert fa_seller_nip(FA.replace(b"<NIP>5273180297</NIP>", b"")) is None
    assert fa_seller_nip(b"not xml") is None


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2024, 1, 29), 1, date(2024, 2, 29)),
    ],
)
def test_add_months_keeps_to_the_calendar(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_range_end_names_what_is_wrong() -> None:
    assert range_end(date(2026, 1, 1), date(2026, 4, 1), max_months=3) == date(2026, 4, 1)
    with pytest.raises(ValueError, match="3 months"):
        range_end(date(2026, 1, 1), date(2026, 4, 2), max_months=3)
    with pytest.raises(ValueError, match="before date_from"):
        range_end(date(2026, 1, 2), date(2026, 1, 1))


def test_poland_is_ahead_of_utc_at_midnight() -> None:
    assert today_in_poland(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)


def test_specific_fixes_for_common_rejections() -> None:
    assert "address" in (specific_fix("Brak adresu nabywcy (Podmiot2/Adres)") or "")
    assert specific_fix("Nieznany błąd") is None


def test_decimal_text_is_plain_and_exact() -> None:
    assert decimal_text(Decimal("1E+2")) == "100"
    assert decimal_text(Decimal("-0.00")) == "0.00"
    assert decimal_text(Decimal("1234.5600")) == "1234.5600"
