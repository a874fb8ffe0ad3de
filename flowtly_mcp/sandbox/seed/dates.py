"""Calendar helpers and the one date-time spelling the dataset uses (`2025-03-01T00:00:00+00:00`)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=4096)
def at_midnight(day: date) -> str:
    """A date as an ISO 8601 date-time at midnight UTC (cached: one shared string per day keeps big datasets lean)."""
    return f"{day.isoformat()}T00:00:00+00:00"


def at_time(day: date, hour: int, minute: int = 0, second: int = 0) -> str:
    """A date and clock time as an ISO 8601 date-time in UTC."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}+00:00"


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def is_business_day(day: date) -> bool:
    """Monday to Friday (public holidays are ignored; the data only needs to look like office work)."""
    return day.weekday() < 5


def previous_business_day(day: date) -> date:
    """The latest business day strictly before `day`."""
    day -= timedelta(days=1)
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def next_business_day(day: date) -> date:
    """`day` itself when it is a business day, otherwise the next one (banks book weekend transfers on Monday)."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def workday_before(anchor: date, days: int) -> date:
    """The business day `days` before `anchor`, or the nearest business day before that."""
    day = anchor - timedelta(days=days)
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day
