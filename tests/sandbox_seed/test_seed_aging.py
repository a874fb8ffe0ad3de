"""Receivables age realistically: every aging bucket has invoices in it, at the demo size and for other seeds."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from flowtly_mcp.sandbox.seed import SeedConfig, build_dataset

from .support import Dataset, by_id, open_amounts

ANCHOR = date(2026, 11, 16)


def _buckets(data: Dataset) -> Counter[str]:
    invoices = by_id(data, "invoices")
    buckets: Counter[str] = Counter()
    for invoice_id, amount in open_amounts(data).items():
        if amount <= 0:
            continue
        overdue = (ANCHOR - date.fromisoformat(invoices[invoice_id]["dueDate"][:10])).days
        if overdue <= 0:
            buckets["current"] += 1
        elif overdue <= 30:
            buckets["1-30"] += 1
        elif overdue <= 60:
            buckets["31-60"] += 1
        elif overdue <= 90:
            buckets["61-90"] += 1
        else:
            buckets["90+"] += 1
    return buckets


def test_every_bucket_has_open_invoices(data: Dataset) -> None:
    buckets = _buckets(data)
    for name in ("current", "1-30", "31-60", "61-90", "90+"):
        assert buckets[name] >= 2, (name, buckets)
    assert sum(buckets.values()) < len(data["invoices"]) / 3


def test_most_old_invoices_are_paid(data: Dataset) -> None:
    invoices = by_id(data, "invoices")
    open_now = open_amounts(data)
    old = [i for i in open_now if (ANCHOR - date.fromisoformat(invoices[i]["dueDate"][:10])).days > 120]
    assert sum(1 for i in old if open_now[i] > 0) <= 0.05 * len(old)
    assert all(amount >= 0 for amount in open_now.values())


@pytest.mark.parametrize("seed", [1, 2])
def test_buckets_for_other_seeds(seed: int) -> None:
    buckets = _buckets(build_dataset(SeedConfig(seed=seed)))
    assert all(buckets[name] >= 2 for name in ("current", "1-30", "31-60", "61-90", "90+")), buckets
