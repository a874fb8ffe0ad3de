"""The catalog of every resource family the sandbox serves, and the families that are only referenced by IRI."""

from __future__ import annotations

from flowtly_mcp.sandbox.resources.billing import BILLING
from flowtly_mcp.sandbox.resources.budgets import BUDGET_FAMILIES
from flowtly_mcp.sandbox.resources.clients import CLIENT_FAMILIES
from flowtly_mcp.sandbox.resources.transactions import TRANSACTION_FAMILIES
from flowtly_mcp.sandbox.schema import Resource

RESOURCES: dict[str, Resource] = {
    resource.family: resource for resource in (*BILLING, *BUDGET_FAMILIES, *CLIENT_FAMILIES, *TRANSACTION_FAMILIES)
}

# Families that appear in IRIs but have no endpoints. Their records (when the dataset has any) are checked for
# existence; otherwise any id is accepted. Currencies are ISO 4217 codes.
REFERENCED_ONLY = ("employees", "projects", "organizations", "currencies", "suppliers")
REFERENCED_ONLY_ENTITIES = {
    "employees": "Employee",
    "projects": "Project",
    "organizations": "Organization",
    "currencies": "Currency",
    "suppliers": "Supplier",
}
