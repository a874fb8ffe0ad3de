"""Budgets: groups, monthly and quarterly limits, who and what they cover, and the spending booked against them.

Amounts here are integers in minor units (grosze), as Flowtly's budget endpoints use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import at_midnight
from .ledger import to_pln
from .money import ZERO, to_minor_units
from .world import World, iri

_GROUPS = (
    ("bgg_1", "Koszty operacyjne", "Biuro, media, usługi zewnętrzne"),
    ("bgg_2", "Technologia", "Hosting, licencje i sprzęt"),
    ("bgg_3", "Sprzedaż i marketing", "Kampanie, wydarzenia, projekty wdrożeniowe"),
    ("bgg_4", "Ludzie", "Szkolenia i podwykonawcy"),
)
_OPERATIONS = ("rent", "utilities", "office", "courier", "internet", "insurance", "leasing", "accounting", "legal",
               "it_service")  # fmt: skip


@dataclass(frozen=True)
class _Budget:
    id: str
    name: str
    type: str
    granularity: str
    group: str
    start: date
    end: date
    config: tuple[str, ...]
    limit_pln: int
    categories: tuple[str, ...]


def _budgets(anchor: date) -> tuple[_Budget, ...]:
    year = anchor.year
    last = date(year - 1, 1, 1), date(year - 1, 12, 31)
    this = date(year, 1, 1), date(year, 12, 31)
    return (
        _Budget("bgt_1", f"Koszty operacyjne biura {year - 1}", "global", "month", "bgg_1", *last,
                ("spend_alerts",), 55_000, _OPERATIONS),
        _Budget("bgt_2", f"Koszty operacyjne biura {year}", "global", "month", "bgg_1", *this,
                ("spend_alerts",), 58_000, _OPERATIONS),
        _Budget("bgt_3", f"Infrastruktura IT i licencje {year}", "global", "quarter", "bgg_2", *this,
                ("spend_alerts", "auto-freeze"), 60_000, ("hosting", "software", "hardware")),
        _Budget("bgt_4", f"Marketing i wydarzenia {year}", "global", "quarter", "bgg_3", *this,
                ("auto-freeze",), 25_000, ("marketing", "printing")),
        _Budget("bgt_5", f"Szkolenia pracowników {year}", "employee", "month", "bgg_4", *this,
                (), 6_000, ("training",)),
        _Budget("bgt_6", f"Podwykonawcy B2B {year}", "global", "month", "bgg_4", *this,
                ("spend_alerts",), 60_000, ("contractor",)),
        _Budget("bgt_7", f"Projekty wdrożeniowe H2 {year}", "global", "quarter", "bgg_3", date(year, 7, 1),
                date(year, 12, 31), (), 400_000, ()),
    )  # fmt: skip


def emit_budgets(world: World) -> None:
    """Groups, budgets, their allocations, and budget-transactions for supplier payments in each budget's period."""
    rng = world.cfg.rng("budgets")
    for group_id, name, description in _GROUPS:
        world.add("budget-groups", {"id": group_id, "name": name, "description": description})
    budgets = _budgets(world.anchor)
    for budget in budgets:
        world.add(
            "budgets",
            {
                "id": budget.id,
                "name": budget.name,
                "type": budget.type,
                "granularity": budget.granularity,
                "budgetGroup": iri("budget-groups", budget.group),
                "dateFrom": at_midnight(budget.start),
                "dateTo": at_midnight(budget.end),
                "config": list(budget.config),
                "amount": budget.limit_pln * 100,
                "currency": "PLN",
            },
        )
    training, contractors, projects = budgets[4], budgets[5], budgets[6]
    for employee in world.employees[:6]:
        _allocation(world, "budget-employees", "bge", training.id, "employee", employee, 1_200_00)
    for contractor in world.contractors:
        _allocation(world, "budget-contractors", "bgc", contractors.id, "counterparty", contractor.iri, 22_000_00)
    for project in world.projects:
        amount = rng.choice((40_000_00, 60_000_00, 90_000_00, 120_000_00))
        _allocation(world, "budget-projects", "bgp", projects.id, "project", project.iri, amount)
    _budget_invoices(world, projects)
    _budget_transactions(world, budgets)


def _allocation(world: World, family: str, prefix: str, budget: str, key: str, target: str, amount: int) -> None:
    world.add(
        family,
        {"id": f"{prefix}_{world.next_id(family)}", "budget": iri("budgets", budget), key: target, "amount": amount},
    )


def _budget_invoices(world: World, budget: _Budget) -> None:
    """Project revenue of the second half-year: the net of each invoice's project rows."""
    for plan in world.invoices:
        if not plan.is_receivable or not budget.start <= plan.issue <= budget.end:
            continue
        project_net = sum((row.net for row in plan.rows if row.project_iri), ZERO)
        if project_net > 0:
            world.add(
                "budget-invoices",
                {
                    "id": f"bgi_{world.next_id('budget-invoices')}",
                    "budget": iri("budgets", budget.id),
                    "invoice": iri("invoices", plan.id),
                    "amount": to_minor_units(project_net * (plan.rate or 1)),
                },
            )


def _budget_transactions(world: World, budgets: tuple[_Budget, ...]) -> None:
    for line in world.bank_lines:
        if line.supplier is None or line.amount >= 0:
            continue
        for budget in budgets:
            if line.supplier.category in budget.categories and budget.start <= line.day <= budget.end:
                world.add(
                    "budget-transactions",
                    {
                        "id": f"btr_{world.next_id('budget-transactions')}",
                        "budget": iri("budgets", budget.id),
                        "transaction": line.iri,
                        "employee": line.owner,
                        "amount": to_minor_units(to_pln(-line.amount, line.currency)),
                    },
                )
                break
