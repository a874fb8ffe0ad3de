"""Budget families: budgets, their groups, and the allocations and spend charged to them."""

from __future__ import annotations

from flowtly_mcp.sandbox.resources.fields import choice, minor_units, moment, ref, refs, strings, text
from flowtly_mcp.sandbox.schema import Filters, Resource

BUDGETS = Resource(
    family="budgets",
    entity="Budget",
    id_prefix="bgt_",
    description="Budgets with a validity window. amount is the limit in minor units; budgetEmployees and "
    "budgetProjects are computed.",
    fields=(
        text("name", required=True),
        choice("type", "global", "employee"),
        choice("granularity", "month", "quarter", "year"),
        ref("budgetGroup", "budget-groups"),
        moment("dateFrom"),
        moment("dateTo"),
        strings("config", "spend_alerts", "auto-freeze"),
        minor_units("amount"),
        text("currency"),
        refs("budgetEmployees", "budget-employees"),
        refs("budgetProjects", "budget-projects"),
    ),
    filters=Filters(
        exact=("type", "granularity", "budgetGroup"),
        partial=("name",),
        dates=("dateFrom", "dateTo"),
        ranges=("amount",),
        order=("name", "dateFrom", "id"),
    ),
)

BUDGET_GROUPS = Resource(
    family="budget-groups",
    entity="BudgetGroup",
    id_prefix="bgg_",
    fields=(text("name", required=True), text("description")),
    filters=Filters(partial=("name",), order=("name", "id")),
)


def _allocation(family: str, entity: str, prefix: str, relation: str, target: str) -> Resource:
    return Resource(
        family=family,
        entity=entity,
        id_prefix=prefix,
        description=f"An allocation of a budget to one {target.rstrip('s').replace('-', ' ')} (amount in minor units).",
        fields=(
            ref("budget", "budgets", required=True),
            ref(relation, target, required=True),
            minor_units("amount"),
        ),
        filters=Filters(exact=("budget", relation), ranges=("amount",), order=("amount", "id")),
    )


BUDGET_EMPLOYEES = _allocation("budget-employees", "BudgetEmployee", "bge_", "employee", "employees")
BUDGET_CONTRACTORS = _allocation("budget-contractors", "BudgetContractor", "bgc_", "counterparty", "counterparties")
BUDGET_PROJECTS = _allocation("budget-projects", "BudgetProject", "bgp_", "project", "projects")
BUDGET_INVOICES = _allocation("budget-invoices", "BudgetInvoice", "bgi_", "invoice", "invoices")

BUDGET_TRANSACTIONS = Resource(
    family="budget-transactions",
    entity="BudgetTransaction",
    id_prefix="btr_",
    description="A bank transaction charged to a budget (amount in minor units).",
    fields=(
        ref("budget", "budgets", required=True),
        ref("transaction", "transactions", required=True),
        ref("employee", "employees"),
        minor_units("amount"),
    ),
    filters=Filters(exact=("budget", "transaction", "employee"), ranges=("amount",), order=("amount", "id")),
)

BUDGET_FAMILIES = (
    BUDGETS,
    BUDGET_GROUPS,
    BUDGET_EMPLOYEES,
    BUDGET_CONTRACTORS,
    BUDGET_PROJECTS,
    BUDGET_INVOICES,
    BUDGET_TRANSACTIONS,
)
