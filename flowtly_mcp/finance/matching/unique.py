"""Proving that a payment fits exactly one way among one client's open invoices: one invoice, or two or three.

This is what lets a payment with no usable reference be applied automatically: the payer is certain, and among
that payer's open invoices in the payment's currency exactly one invoice, or exactly one combination of two or
three, adds up to the amount, so there is nothing to choose. Counting stops at the second fit; only invoices up
to the amount take part, at most ``MAX_POOL`` of them (a client with more gets no proof: a person decides), and the
pool is sorted by amount once per client, so each payment costs about (candidates)² / 2 steps at worst and far
fewer in practice, as the search stops where the amounts pass the payment.
"""

from __future__ import annotations

import bisect
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


@dataclass(frozen=True, slots=True)
class FitPool:
    """One client's open invoices in one currency, by ascending open amount (oldest first among equals).

    ``values`` are the amounts in whole cents when every amount is (nearly always: integers add up much faster
    than Decimals), else the Decimals themselves; ``at`` maps each value to its positions.
    """

    invoices: tuple[InvoiceView, ...]
    amounts: tuple[Decimal, ...]
    values: tuple[int, ...] | tuple[Decimal, ...]
    # the position of each invoice in the oldest-first order, to hand fits back in that order
    age: tuple[int, ...]
    at: dict[int, tuple[int, ...]] | dict[Decimal, tuple[int, ...]]
    in_cents: bool

    @classmethod
    def of(cls, oldest_first: Sequence[InvoiceView]) -> FitPool:
        order = sorted(range(len(oldest_first)), key=lambda i: (oldest_first[i].open, i))
        invoices = tuple(oldest_first[i] for i in order)
        amounts = tuple(invoice.open for invoice in invoices)
        cents = [_cents(amount) for amount in amounts]
        if all(value is not None for value in cents):
            values: tuple[int, ...] | tuple[Decimal, ...] = tuple(value for value in cents if value is not None)
            in_cents = True
        else:
            values, in_cents = amounts, False
        at: dict[object, list[int]] = {}
        for position, value in enumerate(values):
            at.setdefault(value, []).append(position)
        frozen = {value: tuple(found) for value, found in at.items()}
        return cls(invoices, amounts, values, tuple(order), frozen, in_cents)  # type: ignore[arg-type]


def _cents(amount: Decimal) -> int | None:
    scaled = amount.scaleb(2)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def unique_fit(pool: Sequence[InvoiceView] | FitPool, amount: Decimal, *, max_pool: int = MAX_POOL) -> Fit:
    """The one way 1, 2 or 3 open invoices of ``pool`` (one client, one currency) add up to ``amount``."""
    ready = pool if isinstance(pool, FitPool) else FitPool.of([i for i in pool if i.open > 0])
    count = bisect.bisect_right(ready.amounts, amount)
    if count > max_pool:
        why = f"{count} open invoices could take part: more than {max_pool}, too many to prove one fit"
        return Fit(None, why, None)
    fits = _fits(ready, count, amount, limit=2)
    if not fits:
        return Fit(None, f"neither one of its {count} candidate open invoices nor 2 or 3 of them add up to it", 0)
    if len(fits) > 1:
        shown = " and ".join("+".join(invoice.number or invoice.id for invoice in fit) for fit in fits)
        return Fit(None, f"more than one fit among its open invoices ({shown}): pick one", len(fits))
    (invoices,) = fits
    if len(invoices) == 1:
        why = f"the only one of its {count} candidate open invoices with that amount; no 2 or 3 of them add up to it"
    else:
        why = (
            f"the only combination of {len(invoices)} of its {count} candidate open invoices that adds up to it "
            "(no single invoice, no other combination of 2 or 3)"
        )
    return Fit(invoices, why, 1)


def _fits(pool: FitPool, count: int, target: Decimal, *, limit: int) -> list[tuple[InvoiceView, ...]]:
    """Up to ``limit`` sets of 1..3 of the first ``count`` invoices (all at most ``target``) summing to it.

    Values ascend, so a pair or triple whose smallest members already pass the target ends its loop.
    """
    goal: int | Decimal | None = _cents(target) if pool.in_cents else target
    if goal is None:
        return []  # whole cents never add up to a fraction of a cent
    values: Sequence[int | Decimal] = pool.values
    at: dict[int | Decimal, tuple[int, ...]] = pool.at  # type: ignore[assignment]
    found: list[tuple[int, ...]] = [(i,) for i in at.get(goal, ())[:limit]]
    for i in range(count):
        if len(found) >= limit:
            break
        first = values[i]
        rest = goal - first
        if rest < first:
            break  # every later value is at least as big: no pair or triple starting here can fit
        hits = at.get(rest)
        if hits:
            found.extend((i, j) for j in hits if j > i)
        for j in range(i + 1, count):
            second = values[j]
            last = rest - second
            if last < second:
                break
            hits = at.get(last)
            if hits:
                found.extend((i, j, k) for k in hits if k > j)
                if len(found) >= limit:
                    break
    return [tuple(pool.invoices[p] for p in sorted(fit, key=lambda p: pool.age[p])) for fit in found[:limit]]
