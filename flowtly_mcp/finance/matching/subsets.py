"""Bounded search for a few open invoices whose amounts add up exactly to a payment.

The search walks invoices oldest first and returns the first combination it finds, so older debts are settled
first. It is bounded in the number of invoices considered, the combination size and the steps taken, because a
payment that needs more than a handful of invoices to explain it deserves a human look anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

DEFAULT_MAX_ITEMS = 4
DEFAULT_STEP_BUDGET = 5_000

Number = TypeVar("Number", int, Decimal)


def find_exact_subset(
    amounts: list[Decimal],
    target: Decimal,
    *,
    max_items: int = DEFAULT_MAX_ITEMS,
    step_budget: int = DEFAULT_STEP_BUDGET,
) -> list[int] | None:
    """Indices (ascending) of 2..max_items positive amounts summing exactly to ``target``, or None.

    ``amounts`` must be in the order of preference (oldest first); the first combination in that order wins.
    Amounts in whole cents (nearly always) are searched as integers, which add up several times faster than
    Decimals and give the same answer, step for step.
    """
    cents = [_cents(amount) for amount in (*amounts, target)]
    if all(value is not None for value in cents):
        whole = [value for value in cents if value is not None]
        return _search(whole[:-1], whole[-1], max_items, step_budget)
    return _search(amounts, target, max_items, step_budget)


def _cents(amount: Decimal) -> int | None:
    if not amount.is_finite():
        return None
    scaled = amount.scaleb(2)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _search(amounts: Sequence[Number], target: Number, max_items: int, step_budget: int) -> list[int] | None:
    zero = target - target
    # suffix[i] = sum of amounts[i:], to stop as soon as what is left cannot reach the target
    suffix = [zero] * (len(amounts) + 1)
    for i in range(len(amounts) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + max(amounts[i], zero)
    steps = 0
    chosen: list[int] = []

    def search(start: int, remaining: Number) -> bool:
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
