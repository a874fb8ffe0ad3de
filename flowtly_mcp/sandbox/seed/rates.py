"""EUR/PLN mid rates: a bounded random walk that stays in the 4.20-4.40 band the zloty kept in 2025-2026."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .config import SeedConfig
from .dates import is_business_day, previous_business_day

LOW = Decimal("4.2000")
HIGH = Decimal("4.4000")
STEP = Decimal("0.0001")


class EurRates:
    """One fixing per business day; an invoice uses the fixing of the business day before its issue date."""

    def __init__(self, cfg: SeedConfig, first: date, last: date) -> None:
        rng = cfg.rng("eur-rates")
        self._fixings: dict[date, Decimal] = {}
        rate = Decimal("4.2950")
        day = first - timedelta(days=10)
        while day <= last:
            if is_business_day(day):
                rate += Decimal(rng.randint(-120, 120)) * STEP
                rate = min(max(rate, LOW + Decimal("0.0050")), HIGH - Decimal("0.0050"))
                self._fixings[day] = rate
            day += timedelta(days=1)

    def for_invoice(self, issue: date) -> Decimal:
        """The rate an invoice issued on `issue` converts at (PLN per EUR, four decimals)."""
        return self._fixings[previous_business_day(issue)]
