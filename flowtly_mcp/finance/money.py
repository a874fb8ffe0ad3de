"""Exact money arithmetic: parsing wire amounts into Decimal, per-currency rounding for display, exact totals.

Amounts reach us as JSON numbers (already floats by the time ``json`` hands them over), decimal strings, or
integers in minor units. All of them become ``Decimal`` without passing through binary floating point arithmetic;
rounding happens only when an amount is shown, never while it is summed.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)

# ISO 4217 minor-unit exponents that differ from the usual two decimal places.
_EXPONENT_EXCEPTIONS: Mapping[str, int] = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}

# Digits with an optional sign and one decimal separator; spaces (also non-breaking) may group thousands.
_AMOUNT_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_GROUPING = str.maketrans("", "", " \u00a0\u202f_'")

# Sums of amounts must not lose digits to the default 28-digit context.
_EXACT = decimal.Context(prec=60, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation, decimal.Inexact])


def minor_unit_exponent(currency: str) -> int:
    """Number of decimal places a currency is shown with (2 unless ISO 4217 says otherwise)."""
    return _EXPONENT_EXCEPTIONS.get(currency.strip().upper(), 2)


def parse_amount(value: object) -> Decimal:
    """Turn a wire amount (int, float, Decimal or decimal string) into an exact Decimal.

    Floats are converted through their shortest repr, which is the number the JSON text spelled; a comma is
    accepted as the decimal separator and spaces as thousands separators. Raises ValueError for anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().translate(_GROUPING)
        if not _AMOUNT_TEXT.match(text):
            raise ValueError(f"not an amount: {value!r}")
        result = Decimal(text.replace(",", "."))
    else:
        raise ValueError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


def parse_optional_amount(value: object) -> Decimal | None:
    """Like parse_amount, but None and empty strings give None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_amount(value)


def from_minor_units(value: object, currency: str) -> Decimal:
    """Integer minor units (e.g. grosze) to a Decimal amount in the currency's major unit."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"minor units must be an integer: {value!r}")
    return Decimal(value).scaleb(-minor_unit_exponent(currency))


def to_minor_units(amount: Decimal, currency: str) -> int:
    """A Decimal amount to integer minor units; raises ValueError when that would drop digits."""
    scaled = amount.scaleb(minor_unit_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimal places than the currency allows")
    return int(scaled)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit. For display and for amounts a document states, not for sums."""
    return amount.quantize(Decimal(1).scaleb(-minor_unit_exponent(currency)), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    """Human-readable amount such as ``1234.50 PLN`` (rounded half-up for display)."""
    return f"{quantize(amount, currency)} {currency}"


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """Sum Decimals without rounding; raises decimal.Inexact rather than silently losing digits."""
    total = ZERO
    for amount in amounts:
        total = _EXACT.add(total, amount)
    return total


def exact_mul(a: Decimal, b: Decimal) -> Decimal:
    """Multiply Decimals without rounding (e.g. an open amount by a conversion rate)."""
    return _EXACT.multiply(a, b)


def totals_by_currency(items: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Exact totals keyed by currency; amounts in different currencies are never added together."""
    totals: dict[str, Decimal] = {}
    for currency, amount in items:
        totals[currency] = _EXACT.add(totals.get(currency, ZERO), amount)
    return totals


@dataclass(frozen=True, slots=True)
class Money:
    """An amount tied to its currency; adding two different currencies is an error, not a number."""

    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(_EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(_EXACT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def rounded(self) -> Decimal:
        """The amount rounded half-up to the currency's minor unit."""
        return quantize(self.amount, self.currency)

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")
