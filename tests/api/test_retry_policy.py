"""Retry-After parsing and the retry allowance of one request."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx2
import pytest

from flowtly_mcp.api.retry import RetryBudget, may_resend_after_fault, may_resend_after_status, parse_retry_after

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("Sat, 01 Mar 2025 12:00:42 GMT", 42.0),
        ("Sat, 01 Mar 2025 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_only_reads_are_resent_unless_nothing_was_sent() -> None:
    request = httpx2.Request("POST", "https://x/")
    assert may_resend_after_fault("GET", httpx2.ReadError("reset", request=request))
    assert may_resend_after_fault("POST", httpx2.ConnectError("refused", request=request))
    assert not may_resend_after_fault("POST", httpx2.ReadError("reset", request=request))
    assert not may_resend_after_fault("PATCH", httpx2.ReadTimeout("slow", request=request))
    assert may_resend_after_status("GET", 503)
    assert not may_resend_after_status("GET", 500)
    assert not may_resend_after_status("POST", 503)


def test_backoff_grows_with_jitter_and_stops_after_max_retries() -> None:
    budget = RetryBudget(max_retries=3, max_wait=30, total_budget=60, rng=random.Random(1))
    waits = [budget.next_wait(None, 0.0) for _ in range(4)]
    assert waits[3] is None
    first, second, third = (w for w in waits[:3] if w is not None)
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0
    assert 1.0 <= third <= 2.0


def test_retry_after_is_capped_by_max_wait_and_the_total_budget() -> None:
    budget = RetryBudget(max_retries=5, max_wait=10, total_budget=25, rng=random.Random(1))
    assert budget.next_wait(100.0, 0.0) == 10.0
    assert budget.next_wait(10.0, 0.0) == 10.0
    assert budget.next_wait(10.0, 0.0) is None  # 30 s would exceed the 25 s budget
    late = RetryBudget(max_retries=5, max_wait=10, total_budget=25, rng=random.Random(1))
    assert late.next_wait(2.0, elapsed=24.0) is None
