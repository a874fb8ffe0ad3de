"""Any anchor works: weekends, a new year, a leap day, years away from the demo date."""

from __future__ import annotations

from datetime import date

import pytest

from flowtly_mcp.sandbox.seed import SeedConfig, generate
from flowtly_mcp.sandbox.seed.dates import add_months

from .checks import check_labels, count_resolved_iris, unmatched_incoming


@pytest.mark.parametrize(
    ("seed", "anchor"),
    [
        (7, date(2026, 11, 15)),  # a Sunday
        (99, date(2027, 1, 2)),  # a Saturday just after New Year
        (99, date(2028, 2, 29)),  # a leap day
        (4, date(2026, 3, 31)),  # a quarter end
        (12, date(2030, 7, 1)),
    ],
)
def test_any_anchor_gives_a_consistent_ledger(seed: int, anchor: date) -> None:
    data, truth = generate(SeedConfig(seed=seed, anchor=anchor))
    issued = [date.fromisoformat(invoice["issueDate"][:10]) for invoice in data["invoices"]]
    assert add_months(anchor, -18) <= min(issued) and max(issued) <= anchor
    assert all(date.fromisoformat(t["execDate"][:10]) < anchor for t in data["transactions"])
    assert {label.transaction_id for label in truth.reconciliation} == unmatched_incoming(data)
    check_labels(data, truth)
    assert count_resolved_iris(data) > 5000
    assert min(t["endingBalance"] for t in data["transactions"]) > 0
    budgets_years = {b["dateFrom"][:4] for b in data["budgets"]}
    assert str(anchor.year) in budgets_years
