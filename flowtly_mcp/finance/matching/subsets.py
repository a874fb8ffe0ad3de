"""Bounded search for a few open invoices whose amounts add up exactly to a payment.

The search walks invoices oldest first and returns the first combination it finds, so older debts are settled
first. It is bounded in the number of invoices considered, the combination size and the steps taken, because a
payment that needs more than a handful of invoices to explain it deserves a human look anyway.
"""

from __future__ import annotations

from decimal import Decimal

DEFAULT_MAX_ITEMS = 4
DEFAULT_STEP_BUDGET = 5_000


def find_exact_subset(
    amounts: list[Decimal],
    target: Decimal,
    *,
    max_items: int = DEFAULT_MAX_ITEMS,
    step_budget: int = DEFAULT_STEP_BUDGET,
) -> list[int] | None:
    """Indices (ascending) of 2..max_items positive amounts summing exactly to ``target``, or None.

    ``amounts`` must be in the order of preference (oldest first); the first combination in that order wins.
    """
    # suffix[i] = sum of amounts[i:], to stop as soon as what is left cannot reach the target
    suffix = [Decimal(0)] * (len(amounts) + 1)
    for i in range(len(amounts) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + max(amounts[i], Decimal(0))
    steps = 0
    chosen: list[int] = []

    def search(start: int, remaining: Decimal) -> bool:
        nonlocal steps
        if suffix[start] < remaining:
            return False
        for i in range(start, len(amounts)):
            steps += 1
            if steps > step_budget:
                return False
            amount = amounts[i]
            if amount <= 0 or amount > remaining:
                continue
            chosen.append(i)
            if amount == remaining:
                if len(chosen) >= 2:
                    return True
            elif len(chosen) < max_items and search(i + 1, remaining - amount):
                return True
            chosen.pop()
        return False

    return list(chosen) if search(0, target) else None
