"""The everyday sales ledger: about 23 invoices a month per unit of size over the 18 months before today."""

from __future__ import annotations

import random
from bisect import bisect_left
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from itertools import accumulate

from .dates import add_months, is_business_day
from .money import cents
from .plans import InvoicePlan, Party, RowPlan
from .products import LINES, PRODUCTS, Product, draw_price, draw_quantity, products_for
from .rates import EurRates
from .world import World

INVOICES_PER_SIZE = 420
RECENT_PER_SIZE = 8
_ROW_COUNTS = (1, 2, 3, 4, 5)
_ROW_COUNT_WEIGHTS = (40, 30, 15, 10, 5)
# Lines that are often sold together on one invoice.
_COMPANIONS = {
    "consulting": ("consulting", "development", "support"),
    "development": ("development", "consulting", "hosting"),
    "licences": ("licences", "support", "training"),
    "hosting": ("hosting", "support"),
    "support": ("support", "hosting"),
    "training": ("training",),
}
_REVERSE_CHARGE_NOTE = "Odwrotne obciążenie / Reverse charge (art. 28b ustawy o VAT)."


def invoicing_window(world: World) -> tuple[date, date]:
    """First and last issue date of the ledger (18 months up to and including today)."""
    return add_months(world.anchor, -18), world.anchor


def plan_sales(world: World, rates: EurRates) -> None:
    """Generic invoices: issue days lean towards month ends, clients by a long-tailed weight."""
    rng = world.cfg.rng("sales")
    first, last = invoicing_window(world)
    days: list[date] = []
    day = first
    while day <= last:
        if is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    weights = [3 if d.day >= 25 else 1 for d in days]
    count = world.cfg.scaled(INVOICES_PER_SIZE, minimum=40)
    # This week's invoicing is always under way, so drafts, unsent and in-flight KSeF invoices exist at any anchor.
    this_week = world.cfg.scaled(RECENT_PER_SIZE, minimum=RECENT_PER_SIZE)
    issue_days = sorted(rng.choices(days, weights=weights, k=count - this_week) + rng.choices(days[-5:], k=this_week))
    picker = _ClientPicker(world)
    project_by_client: dict[int, list[str]] = {}
    for project in world.projects:
        if project.client is not None:
            project_by_client.setdefault(project.client.client_id, []).append(project.iri)
    for issue in issue_days:
        client = picker.pick(rng, issue)
        rows = draw_rows(rng, client, project_by_client.get(client.client_id, []))
        world.invoices.append(new_invoice(client, issue, rows, rates))
    _assign_statuses(world, rng)


def new_invoice(client: Party, issue: date, rows: list[RowPlan], rates: EurRates) -> InvoicePlan:
    """An issued invoice to `client` with the client's payment terms and, for EUR, the day's rate."""
    foreign = client.foreign
    return InvoicePlan(
        client=client,
        issue=issue,
        sale=issue,
        due=issue + timedelta(days=client.due_days),
        currency=client.currency,
        rate=rates.for_invoice(issue) if foreign else None,
        rows=rows,
        notes=_REVERSE_CHARGE_NOTE if foreign else None,
    )


class _ClientPicker:
    """Weighted client choice that respects who could be invoiced on a given day."""

    def __init__(self, world: World) -> None:
        billable = [c for c in world.clients if c.has_address]
        self._all = billable
        self._all_cum = list(accumulate(c.weight for c in billable))
        active = [c for c in billable if c.active]
        self._active = active
        self._active_cum = list(accumulate(c.weight for c in active))
        # Clients reserved for planted cases get no new invoices in the last days: everything of theirs is settled.
        recent = [c for c in active if not c.exclusive]
        self._recent = recent
        self._recent_cum = list(accumulate(c.weight for c in recent))
        self._inactive_until = world.anchor - timedelta(days=365)
        self._recent_from = world.anchor - timedelta(days=7)

    def pick(self, rng: random.Random, issue: date) -> Party:
        if issue < self._inactive_until:
            population, cum = self._all, self._all_cum
        elif issue < self._recent_from:
            population, cum = self._active, self._active_cum
        else:
            population, cum = self._recent, self._recent_cum
        return population[bisect_left(cum, rng.random() * cum[-1])]


@cache
def _product_pool(line: str, foreign: bool) -> tuple[tuple[Product, ...], tuple[Product, ...]]:
    """Products to open an invoice with, and products that may join them."""
    pool: list[Product] = []
    for companion in _COMPANIONS[line]:
        pool.extend(p for p in products_for(companion) if p not in pool)
    if foreign:
        # EU clients buy services at the 0% rate; training extras (catering, hotel, books) are local only.
        pool = [p for p in pool if p.vat_rate == "23"]
        return tuple(pool), tuple(pool)
    return products_for(line), tuple(pool)


def draw_rows(rng: random.Random, client: Party, projects: list[str]) -> list[RowPlan]:
    """1-5 lines, mostly from the client's line of business and what usually goes with it."""
    line = client.line if rng.random() < 0.85 else rng.choice(LINES)
    if client.foreign and line == "training":
        line = "consulting"
    wanted = rng.choices(_ROW_COUNTS, weights=_ROW_COUNT_WEIGHTS)[0]
    openers, pool = _product_pool(line, client.foreign)
    first = rng.choice(openers)
    others = [p for p in pool if p is not first]
    chosen = [first, *rng.sample(others, min(wanted - 1, len(others)))]
    return [product_row(rng, client, p, projects) for p in chosen]


def product_row(rng: random.Random, client: Party, product: Product, projects: list[str]) -> RowPlan:
    """One line for `product`: EU clients get the English name and the 0% rate."""
    quantity = draw_quantity(rng, product)
    price = draw_price(rng, product)
    if client.foreign:
        # EUR prices: the PLN list price over a round 4.3, so EU clients pay market rates.
        price = cents(price / Decimal("4.3"))
    discount = Decimal("0.00")
    if rng.random() < 0.08:
        discount = cents(quantity * price * rng.choice((Decimal("0.05"), Decimal("0.10"))))
    project = rng.choice(projects) if projects and product.line in ("consulting", "development") else None
    return RowPlan(
        product_name=product.name_en if client.foreign else product.name,
        unit=product.unit,
        quantity=quantity,
        net_price=price,
        discount=discount,
        vat_rate="0" if client.foreign else product.vat_rate,
        classification=product.classification,
        project_iri=project if project and rng.random() < 0.8 else None,
        line=product.line,
    )


def product_named(name: str) -> Product:
    """A catalogue product by its Polish name."""
    return next(p for p in PRODUCTS if p.name == name)


def _assign_statuses(world: World, rng: random.Random) -> None:
    """A few of the newest invoices are still drafts; most others were sent to the client, some only issued."""
    latest = [p for p in world.invoices if p.issue >= world.anchor - timedelta(days=6)]
    drafts = min(len(latest), world.cfg.scaled(4, minimum=3))
    for plan in rng.sample(latest, drafts):
        plan.status = "draft"
    for plan in world.invoices:
        if plan.status != "draft" and rng.random() < 0.15:
            plan.status = "issued"
