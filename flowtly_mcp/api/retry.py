"""When a failed request may be sent again, and how long to wait first.

Only reads are retried, because a write that reached the server may have taken effect even if its answer was lost.
The one exception is a connection that was never established: then no byte left, and any method is safe to resend.
Waits grow exponentially with jitter, honour Retry-After, and are bounded per wait, in number and in total time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx2

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# Faults raised before the request could be written: the server cannot have seen it.
NOT_SENT_FAULTS: tuple[type[Exception], ...] = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_BASE_DELAY = 0.5


def may_resend_after_fault(method: str, fault: Exception) -> bool:
    return method in IDEMPOTENT_METHODS or isinstance(fault, NOT_SENT_FAULTS)


def may_resend_after_status(method: str, status: int) -> bool:
    return method in IDEMPOTENT_METHODS and status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@dataclass
class RetryBudget:
    """The retry allowance of one logical request: attempts left and time left."""

    max_retries: int
    max_wait: float
    total_budget: float
    rng: random.Random
    retries_done: int = 0
    waited: float = 0.0

    def next_wait(self, retry_after: float | None, elapsed: float) -> float | None:
        """The wait before the next attempt, or None when the allowance is spent.

        `elapsed` is the wall time since the first attempt; waits are counted too, so the bound holds even when
        the time spent waiting is not visible to the clock.
        """
        if self.retries_done >= self.max_retries:
            return None
        if retry_after is not None:
            wait = min(retry_after, self.max_wait)
        else:
            ceiling = min(self.max_wait, _BASE_DELAY * 2**self.retries_done)
            # Equal jitter: never less than half the ceiling, so that waits still grow, but spread clients apart.
            wait = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        if max(elapsed, self.waited) + wait > self.total_budget:
            return None
        self.retries_done += 1
        self.waited += wait
        return wait
