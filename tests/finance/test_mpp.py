"""Split-payment (MPP) titles: every field, slashes inside the invoice number, case and spacing, non-MPP titles."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.mpp import MppTitle, parse_mpp


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "/VAT/23,00/IDC/5231242681/INV/FV/2026/10/0012/TXT/free text",
            MppTitle(Decimal("23.00"), "5231242681", "FV/2026/10/0012", "free text"),
        ),
        (
            "/VAT/23,00/IDC/5231242681/INV/FV/2026/10/0012",
            MppTitle(Decimal("23.00"), "5231242681", "FV/2026/10/0012", None),
        ),
        (
            "/vat/ 1 234,56 /idc/ 523-124-26-81 / inv / FV/2026/10/0012 /txt/ zapłata",
            MppTitle(Decimal("1234.56"), "5231242681", "FV/2026/10/0012", "zapłata"),
        ),
        (
            "PRZELEW MPP /VAT/10.50/IDC/PL5231242681/INV/PM1253/2018/TXT/",
            MppTitle(Decimal("10.50"), "5231242681", "PM1253/2018", None),
        ),
        (
            "/VAT/0,00/INV/FV/INV/7/TXT/a/TXT/b",  # INV inside the number; only the first /TXT/ ends it
            MppTitle(Decimal("0.00"), None, "FV/INV/7", "a/TXT/b"),
        ),
        (
            "/VAT/23,00/IDC/5231242681/TXT/advance",
            MppTitle(Decimal("23.00"), "5231242681", None, "advance"),
        ),
        (
            "/VAT/??/IDC/5231242681/INV/FV/1/",  # a garbled VAT field does not hide the others
            MppTitle(None, "5231242681", "FV/1", None),
        ),
    ],
)
def test_mpp_titles(title: str, expected: MppTitle) -> None:
    assert parse_mpp(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        None,
        "",
        "Zapłata za FV/2026/10/0012",
        "/INV/FV/2026/10/0012",  # no /VAT/
        "/VAT/23,00/TXT/only text",  # neither /IDC/ nor /INV/
        "VAT 23,00 IDC 5231242681",  # no slashes around the markers
    ],
)
def test_titles_that_are_not_split_payments(title: str | None) -> None:
    assert parse_mpp(title) is None


number = st.from_regex(r"[A-Z]{1,3}(/[0-9]{1,4}){1,4}", fullmatch=True)


@given(number, st.integers(min_value=0, max_value=10**8), st.sampled_from(["/VAT/", "/vat/", " / VAT / "]))
def test_any_invoice_number_round_trips(invoice_number: str, vat_grosze: int, marker: str) -> None:
    vat = Decimal(vat_grosze).scaleb(-2)
    title = f"{marker}{str(vat).replace('.', ',')}/IDC/5231242681/INV/{invoice_number}/TXT/x"
    parsed = parse_mpp(title)
    assert parsed == MppTitle(vat, "5231242681", invoice_number, "x")
