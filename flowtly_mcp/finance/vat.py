"""VAT rates and invoice-row arithmetic as an invoice states it: each row rounded half-up on its own.

Polish invoices (and KSeF's FA(3) schema) compute net and VAT per row, rounding each row to the grosz; the
invoice totals are the sums of the rounded rows. Preflight checks and record adapters share these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import ZERO, exact_mul, quantize

# Rates that carry no VAT amount: exempt, out of scope, reverse charge, 0% variants.
_ZERO_VAT_RATES = frozenset({"zw", "np", "oo", "0 kr", "0 wdt", "0 ex", "0kr", "0wdt", "0ex", "np i", "np ii"})
_NUMERIC_RATES = frozenset({Decimal(n) for n in (0, 3, 4, 5, 7, 8, 22, 23)})


def vat_rate_percent(rate: object) -> Decimal | None:
    """The percentage a row's ``vatRate`` stands for (``"23"`` → 23, ``"zw"`` → 0); None when unknown."""
    if rate is None or isinstance(rate, bool):
        return None
    text = str(rate).strip().casefold().removesuffix("%").strip()
    if text in _ZERO_VAT_RATES:
        return ZERO
    try:
        percent = Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None
    return percent if percent in _NUMERIC_RATES else None


@dataclass(frozen=True, slots=True)
class RowAmounts:
    """Net, VAT and gross of one invoice row, each rounded half-up to the currency's minor unit."""

    net: Decimal
    vat: Decimal
    gross: Decimal


def row_amounts(
    quantity: Decimal, net_price: Decimal, rate_percent: Decimal, discount: Decimal, currency: str
) -> RowAmounts:
    """Row net = quantity × unit net price − discount, then VAT = net × rate, each rounded half-up.

    ``discount`` is the row's ``netDiscountAmount``, taken as a net amount off the whole row.
    """
    net = quantize(exact_mul(quantity, net_price) - discount, currency)
    vat = quantize(exact_mul(net, rate_percent) / 100, currency)
    return RowAmounts(net=net, vat=vat, gross=net + vat)
