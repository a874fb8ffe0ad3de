"""Proving that a payment fits exactly one way among one client's open invoices: one invoice, or two or three.

This is what lets a payment with no usable reference be applied automatically: the payer is certain, and among
that payer's open invoices in the payment's currency exactly one invoice, or exactly one combination of two or
three, adds up to the amount, so there is nothing to choose. Counting stops at the second fit; the pool is capped,
and a client with more open invoices than the cap gets no proof (a person decides), which keeps the cost bounded
at about cap² steps per payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..records import InvoiceView

MAX_POOL = 60
MAX_COMBINATION = 3


@dataclass(frozen=True, slots=True)
class Fit:
    """The invoices (oldest first) whose open amounts add up to the payment, or why no unique fit exists.

    ``fits`` counts the fits found (0, 1, or 2 meaning "two or more"); None when the pool was too big to search.
    """

    invoices: tuple[InvoiceView, ...] | None
    explanation: str
    fits: int | None


def unique_fit(pool: Sequence[InvoiceView], amount: Decimal, *, max_pool: int = MAX_POOL) -> Fit:
    """The one way 1, 2 or 3 invoices of ``pool`` (all open, one currency, oldest first) add up to ``amount``."""
    candidates = [invoice for invoice in pool if 0 < invoice.open <= amount]
    count = len(candidates)
    if count > max_pool:
        return Fit(
            None, f"{count} open invoices could take part: more than {max_pool}, too many to prove one fit", None
        )
    fits = _fits(candidates, amount, limit=2)
    if not fits:
        return Fit(None, f"neither one of its {count} candidate open invoices nor 2 or 3 of them add up to it", 0)
    if len(fits) > 1:
        shown = " and ".join("+".join(candidates[i].number or candidates[i].id for i in fit) for fit in fits)
        return Fit(None, f"more than one fit among its open invoices ({shown}): pick one", len(fits))
    (fit,) = fits
    invoices = tuple(candidates[i] for i in fit)
    if len(invoices) == 1:
        why = f"the only one of its {count} candidate open invoices with that amount; no 2 or 3 of them add up to it"
    else:
        why = (
            f"the only combination of {len(invoices)} of its {count} candidate open invoices that adds up to it "
            "(no single invoice, no other combination of 2 or 3)"
        )
    return Fit(invoices, why, 1)


def _fits(amounts_of: list[InvoiceView], target: Decimal, *, limit: int) -> list[tuple[int, ...]]:
    """Index tuples (ascending) of 1..3 invoices summing exactly to ``target``; at most ``limit`` of them."""
    amounts = [invoice.open for invoice in amounts_of]
    positions: dict[Decimal, list[int]] = defaultdict(list)
    for position, amount in enumerate(amounts):
        positions[amount].append(position)
    fits: list[tuple[int, ...]] = [(i,) for i in positions.get(target, ())[:limit]]
    for i, first in enumerate(amounts):
        if len(fits) >= limit:
            return fits
        rest = target - first
        fits.extend((i, j) for j in positions.get(rest, ()) if j > i)
        for j in range(i + 1, len(amounts)):
            last = rest - amounts[j]
            if last <= 0:
                continue
            fits.extend((i, j, k) for k in positions.get(last, ()) if k > j)
            if len(fits) >= limit:
                break
    return fits[:limit]
