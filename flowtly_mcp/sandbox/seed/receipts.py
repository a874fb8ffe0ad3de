"""How clients paid the everyday invoices: on time, late, in parts, several at once, by card, or not yet.

Unpaid shares are fixed per aging bucket (with a floor), so every bucket of an aging report has entries at every
size: 1-30, 31-60, 61-90 and over 90 days overdue, plus invoices not yet due.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from .dates import next_business_day, previous_business_day
from .money import cents
from .plans import InvoicePlan, Settlement
from .world import World

# bucket: (share left unpaid, minimum unpaid count)
_UNPAID = {
    "not_due": (0.8, 0),
    "1-30": (0.35, 3),
    "31-60": (0.25, 3),
    "61-90": (0.2, 2),
    "90+": (0.02, 3),
}
# Of the unpaid overdue invoices, this share got a partial payment.
_PARTIAL_SHARE = 0.25


def aging_bucket(days_overdue: int) -> str:
    """The aging bucket of an invoice `days_overdue` past its due date (zero or less: not due)."""
    if days_overdue <= 0:
        return "not_due"
    if days_overdue <= 30:
        return "1-30"
    if days_overdue <= 60:
        return "31-60"
    if days_overdue <= 90:
        return "61-90"
    return "90+"


def plan_collections(world: World) -> None:
    """Decide, for each everyday receivable, whether and how it was paid."""
    rng = world.cfg.rng("collections")
    buckets: dict[str, list[InvoicePlan]] = defaultdict(list)
    for plan in world.invoices:
        if plan.is_receivable and not plan.planted:
            buckets[aging_bucket((world.anchor - plan.due).days)].append(plan)
    paid: list[tuple[InvoicePlan, date]] = []
    for name, plans in buckets.items():
        share, floor = _UNPAID[name]
        eligible = [p for p in plans if not p.client.exclusive]
        unpaid_count = min(len(eligible), max(floor, round(share * len(plans))))
        unpaid = set(map(id, rng.sample(eligible, unpaid_count)))
        for plan in plans:
            if id(plan) in unpaid:
                if name not in ("not_due",) and rng.random() < _PARTIAL_SHARE:
                    _partial(world, rng, plan)
                continue
            day = _payment_day(world, rng, plan)
            if day is not None:
                paid.append((plan, day))
    _settle(world, rng, paid)


def _payment_day(world: World, rng: random.Random, plan: InvoicePlan) -> date | None:
    """Around the due date, clamped into (issue date, today); None when there was no business day to pay on."""
    roll = rng.random()
    if roll < 0.35:
        offset = rng.randint(-12, -1)
    elif roll < 0.7:
        offset = rng.randint(0, 3)
    elif roll < 0.95:
        offset = rng.randint(4, 25)
    else:
        offset = rng.randint(26, 60)
    day = next_business_day(plan.due + timedelta(days=offset))
    if day >= world.anchor:
        day = previous_business_day(world.anchor)
    if day <= plan.issue:
        day = next_business_day(plan.issue + timedelta(days=1))
    return day if day < world.anchor else None


def _partial(world: World, rng: random.Random, plan: InvoicePlan) -> None:
    day = previous_business_day(world.anchor - timedelta(days=rng.randint(1, max(1, (world.anchor - plan.due).days))))
    if day <= plan.issue:
        return
    amount = cents(plan.gross * Decimal(rng.randint(25, 70)) / 100)
    if plan.gross > 1000:
        amount = Decimal(int(amount) // 100 * 100).quantize(Decimal("0.01")) or amount
    world.settlements.append(Settlement(plan.client, day, [(plan, amount)], amount, "partial"))
    plan.applied += amount


def _settle(world: World, rng: random.Random, paid: list[tuple[InvoicePlan, date]]) -> None:
    """Turn paid invoices into settlements; a client paying several invoices within days sometimes pays them at once."""
    paid.sort(key=lambda item: (item[0].client.client_id, item[1]))
    index = 0
    while index < len(paid):
        plan, day = paid[index]
        group = [plan]
        while (
            index + len(group) < len(paid)
            and len(group) < 3
            and paid[index + len(group)][0].client is plan.client
            and paid[index + len(group)][0].currency == plan.currency
            and (paid[index + len(group)][1] - day).days <= 6
            and rng.random() < 0.3
        ):
            group.append(paid[index + len(group)][0])
        last_day = max(d for _, d in paid[index : index + len(group)])
        index += len(group)
        if len(group) > 1:
            total = sum((p.gross for p in group), Decimal(0))
            world.settlements.append(Settlement(plan.client, last_day, [(p, p.gross) for p in group], total, "batch"))
        else:
            world.settlements.append(_single(rng, plan, day))
        for member in group:
            member.applied += member.gross


def _single(rng: random.Random, plan: InvoicePlan, day: date) -> Settlement:
    roll = rng.random()
    if roll < 0.02 and not plan.client.foreign:
        plan.payment_method = "card"
        return Settlement(plan.client, day, [(plan, plan.gross)], plan.gross, "card")
    if roll < 0.08 and not plan.client.foreign:
        return Settlement(plan.client, day, [(plan, plan.gross)], plan.gross, "mpp")
    if roll < 0.09:
        # Paid a little too much (a rounded-up amount); the excess stays on the bank line as the client's credit.
        extra = Decimal(rng.choice((1, 5, 10, 20, 50))) - (plan.gross % 1)
        return Settlement(plan.client, day, [(plan, plan.gross)], plan.gross + extra, "overpay")
    return Settlement(plan.client, day, [(plan, plan.gross)], plan.gross, "number")
