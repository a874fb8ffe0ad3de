"""Invoice arithmetic: row totals rounded per row to the grosz (half-up), VAT per rate, invoice sums."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Rates that carry no VAT: exempt (zw), zero-rated, outside the scope (oo, np).
_NO_VAT = frozenset({"zw", "0", "oo", "np"})


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return ZERO
    return ZERO


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RowTotals:
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def vat_percent(rate: object) -> Decimal:
    text = str(rate) if rate is not None else "zw"
    if text in _NO_VAT:
        return ZERO
    try:
        return Decimal(text)
    except ArithmeticError:
        return ZERO


def row_totals(row: dict[str, Any]) -> RowTotals:
    """net = quantity × netPrice − netDiscountAmount; VAT = net × rate; both rounded to 0.01 half-up per row."""
    net = cents(
        to_decimal(row.get("quantity")) * to_decimal(row.get("netPrice")) - to_decimal(row.get("netDiscountAmount"))
    )
    vat = cents(net * vat_percent(row.get("vatRate")) / 100)
    return RowTotals(net, vat)


@dataclass(frozen=True)
class InvoiceTotals:
    net: Decimal
    vat: Decimal
    by_rate: dict[str, RowTotals]

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def invoice_totals(rows: list[dict[str, Any]]) -> InvoiceTotals:
    net = vat = ZERO
    by_rate: dict[str, RowTotals] = {}
    for row in rows:
        totals = row_totals(row)
        net += totals.net
        vat += totals.vat
        rate = str(row.get("vatRate") or "zw")
        previous = by_rate.get(rate, RowTotals(ZERO, ZERO))
        by_rate[rate] = RowTotals(previous.net + totals.net, previous.vat + totals.vat)
    return InvoiceTotals(net, vat, by_rate)
