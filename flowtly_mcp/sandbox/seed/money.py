"""Invoice arithmetic as Flowtly does it: per-row rounding half-up to the grosz, totals summed from rows."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
VAT_RATES: dict[str, Decimal] = {
    "23": Decimal("0.23"),
    "8": Decimal("0.08"),
    "5": Decimal("0.05"),
    "0": Decimal("0"),
    "zw": Decimal("0"),
}


def cents(value: Decimal) -> Decimal:
    """Round half-up to two decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def row_net(quantity: Decimal, net_price: Decimal, discount: Decimal) -> Decimal:
    """net = quantity × net price − discount, rounded to the grosz."""
    return cents(quantity * net_price - discount)


def row_vat(net: Decimal, vat_rate: str) -> Decimal:
    """VAT of one row, rounded to the grosz."""
    return cents(net * VAT_RATES[vat_rate])


def to_minor_units(amount: Decimal) -> int:
    """Grosze (or cents) as an integer, the unit Flowtly budgets count in."""
    return int(cents(amount) * 100)


def comma_decimal(amount: Decimal) -> str:
    """`1234,56`: the decimal comma split-payment titles use."""
    return f"{cents(amount):.2f}".replace(".", ",")
