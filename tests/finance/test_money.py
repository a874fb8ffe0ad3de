"""Exact amounts: parsing every wire shape, per-currency rounding for display, totals that never lose a grosz."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.money import (
    Money,
    exact_mul,
    exact_sum,
    format_amount,
    from_minor_units,
    minor_unit_exponent,
    parse_amount,
    parse_optional_amount,
    quantize,
    to_minor_units,
    totals_by_currency,
)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (1230, "1230"),
        (1230.5, "1230.5"),
        (0.1, "0.1"),  # the number the JSON text spelled, not 0.1000000000000000055511151231257827
        (1e-7, "1E-7"),
        ("1230.50", "1230.50"),
        (" -12.30 ", "-12.30"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234.56", "1234.56"),
        (".5", "0.5"),
        ("+7", "7"),
        (Decimal("3.14"), "3.14"),
    ],
)
def test_parse_amount_reads_every_wire_shape_exactly(wire: object, expected: str) -> None:
    parsed = parse_amount(wire)
    assert parsed == Decimal(expected)
    assert str(parsed) == str(Decimal(expected))


@pytest.mark.parametrize(
    "wire", [True, None, "abc", "1,234.56", "1.234,56", "12e3", "", float("nan"), float("inf"), [1], "NaN"]
)
def test_parse_amount_rejects_what_is_not_an_amount(wire: object) -> None:
    with pytest.raises(ValueError, match="amount"):
        parse_amount(wire)


def test_parse_optional_amount_treats_null_and_blank_as_missing() -> None:
    assert parse_optional_amount(None) is None
    assert parse_optional_amount("  ") is None
    assert parse_optional_amount("0") == Decimal(0)


@pytest.mark.parametrize(
    ("currency", "exponent"), [("PLN", 2), ("eur", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("XYZ", 2)]
)
def test_minor_unit_exponent(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent


def test_minor_units_round_trip_per_currency() -> None:
    assert from_minor_units(125000, "PLN") == Decimal("1250.00")
    assert from_minor_units(125000, "JPY") == Decimal("125000")
    assert from_minor_units(1234, "KWD") == Decimal("1.234")
    assert from_minor_units(-5, "EUR") == Decimal("-0.05")
    assert to_minor_units(Decimal("12.34"), "PLN") == 1234
    assert to_minor_units(Decimal("12.3"), "PLN") == 1230
    assert to_minor_units(Decimal("500"), "JPY") == 500


def test_minor_units_refuse_to_lose_or_invent_digits() -> None:
    with pytest.raises(ValueError, match="decimal places"):
        to_minor_units(Decimal("12.345"), "PLN")
    with pytest.raises(ValueError, match="integer"):
        from_minor_units(12.5, "PLN")
    with pytest.raises(ValueError, match="integer"):
        from_minor_units(True, "PLN")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "PLN", "2.35"),
        ("2.344", "PLN", "2.34"),
        ("-2.345", "PLN", "-2.35"),
        ("2.5", "JPY", "3"),
        ("1234.4", "JPY", "1234"),
        ("1.2345", "KWD", "1.235"),
        ("7", "EUR", "7.00"),
    ],
)
def test_quantize_rounds_half_up_to_the_currency(amount: str, currency: str, expected: str) -> None:
    assert str(quantize(Decimal(amount), currency)) == expected


def test_format_amount_shows_the_currency_precision() -> None:
    assert format_amount(Decimal("1234.5"), "PLN") == "1234.50 PLN"
    assert format_amount(Decimal("1234.5"), "JPY") == "1235 JPY"


def test_exact_sum_keeps_every_digit_beyond_the_default_context() -> None:
    # The default 28-digit context would round this to 1000000000000000000000000000.
    assert exact_sum([Decimal("1E27"), Decimal("0.01")]) == Decimal("1000000000000000000000000000.01")
    assert exact_sum([Decimal("0.1")] * 10) == Decimal("1.0")
    assert exact_sum([]) == Decimal(0)
    assert exact_mul(Decimal("1000.01"), Decimal("4.3012")) == Decimal("4301.243012")


def test_totals_by_currency_never_adds_currencies_together() -> None:
    totals = totals_by_currency([("PLN", Decimal("10.10")), ("EUR", Decimal("5")), ("PLN", Decimal("0.90"))])
    assert totals == {"PLN": Decimal("11.00"), "EUR": Decimal("5")}


def test_money_adds_only_within_one_currency() -> None:
    total = Money(Decimal("10.10"), "PLN") + Money(Decimal("0.05"), "PLN") - Money(Decimal("1"), "PLN")
    assert total == Money(Decimal("9.15"), "PLN")
    assert str(-total) == "-9.15 PLN"
    assert Money(Decimal("2.005"), "PLN").rounded() == Decimal("2.01")
    with pytest.raises(ValueError, match="PLN with EUR"):
        _ = Money(Decimal(1), "PLN") + Money(Decimal(1), "EUR")


cents = st.integers(min_value=-(10**15), max_value=10**15)


@given(st.lists(cents, max_size=50))
def test_totals_are_exact_to_the_grosz(values: list[int]) -> None:
    amounts = [from_minor_units(value, "PLN") for value in values]
    assert to_minor_units(exact_sum(amounts), "PLN") == sum(values)


@given(cents)
def test_amounts_survive_the_string_round_trip(value: int) -> None:
    amount = from_minor_units(value, "PLN")
    assert parse_amount(str(amount)) == amount
    assert parse_amount(f"{amount}".replace(".", ",")) == amount


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9, places=4))
def test_quantize_is_idempotent_and_within_half_a_minor_unit(amount: Decimal) -> None:
    rounded = quantize(amount, "PLN")
    assert quantize(rounded, "PLN") == rounded
    assert abs(rounded - amount) <= Decimal("0.005")
