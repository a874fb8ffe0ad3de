"""What a correction invoice does to the original's value: each row with its amounts, and the resulting totals.

A correction goes to KSeF at once and cannot be withdrawn, so the person approving it sees every row's net, VAT and
gross change and what the invoice is worth afterwards. A correction that takes more off than the invoice is worth
(a resulting gross below zero) is refused: no valid correction does that, and a typo in a quantity or a price would
otherwise register a negative invoice in KSeF. There is deliberately no override; to credit more, issue a new
invoice or several corrections of invoices that carry the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flowtly_mcp.finance.money import ZERO, exact_sum, format_amount, parse_optional_amount
from flowtly_mcp.finance.vat import RowAmounts, row_amounts, vat_rate_percent
from flowtly_mcp.tools.kernel.errors import ToolRefused


@dataclass(frozen=True)
class CorrectionEffect:
    currency: str
    original_gross: Decimal
    rows: list[tuple[str, RowAmounts]]

    @property
    def change(self) -> Decimal:
        return exact_sum(amounts.gross for _, amounts in self.rows)

    @property
    def resulting_gross(self) -> Decimal:
        return self.original_gross + self.change

    def details(self) -> dict[str, Any]:
        money = self.currency
        return {
            "correction_rows": [
                f"{name}: net {format_amount(a.net, money)}, VAT {format_amount(a.vat, money)}, "
                f"gross {format_amount(a.gross, money)}"
                for name, a in self.rows
            ],
            "original_gross": format_amount(self.original_gross, money),
            "gross_change": format_amount(self.change, money),
            "resulting_gross": format_amount(self.resulting_gross, money),
        }

    def refuse_beyond_original(self, number: str) -> None:
        if self.resulting_gross < ZERO:
            raise ToolRefused(
                f"No correction was sent: its rows change the gross by {format_amount(self.change, self.currency)}, "
                f"more than invoice {number} is worth ({format_amount(self.original_gross, self.currency)}); the "
                f"invoice would be worth {format_amount(self.resulting_gross, self.currency)}. Check the quantities "
                "and prices of the correction rows."
            )


def _row_of(row: Mapping[str, Any], currency: str) -> tuple[str, RowAmounts]:
    rate = vat_rate_percent(row.get("vatRate")) or ZERO
    quantity = parse_optional_amount(row.get("quantity")) or ZERO
    price = parse_optional_amount(row.get("netPrice")) or ZERO
    discount = parse_optional_amount(row.get("netDiscountAmount")) or ZERO
    name = f"{row.get('productName') or 'row'} ({quantity} {row.get('unit') or ''} × {price}, VAT {row.get('vatRate')})"
    return " ".join(name.split()), row_amounts(quantity, price, rate, discount, currency)


def correction_effect(original: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] | None) -> CorrectionEffect:
    """The effect of correcting `original` with `rows`; with no rows, every original row is reversed (to zero)."""
    currency = str(original.get("currency") or "PLN")
    gross = parse_optional_amount(original.get("amount")) or ZERO
    if rows is None:
        reversed_rows = [
            {**row, "quantity": -(parse_optional_amount(row.get("quantity")) or ZERO)}
            for row in original.get("invoiceRows") or []
            if isinstance(row, Mapping)
        ]
        effect = CorrectionEffect(currency, gross, [_row_of(row, currency) for row in reversed_rows])
        # The reversal of every row brings the invoice to zero, whatever rounding its stated total carries.
        return effect if effect.rows else CorrectionEffect(currency, gross, [("every row reversed", _all(gross))])
    return CorrectionEffect(currency, gross, [_row_of(row, currency) for row in rows])


def _all(gross: Decimal) -> RowAmounts:
    return RowAmounts(net=ZERO, vat=ZERO, gross=-gross)
