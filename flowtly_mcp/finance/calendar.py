"""The calendar as Flowtly and KSeF keep it: dates in Poland, month arithmetic."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    _WARSAW: ZoneInfo | None = ZoneInfo("Europe/Warsaw")
except (ImportError, ZoneInfoNotFoundError):  # a system without tz data: UTC is at most two hours off
    _WARSAW = None


def today_in_poland(now: datetime | None = None) -> date:
    """The calendar date in Poland, where Flowtly's books and KSeF's dates live."""
    moment = now or datetime.now(UTC)
    return moment.astimezone(_WARSAW).date() if _WARSAW is not None else moment.date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
