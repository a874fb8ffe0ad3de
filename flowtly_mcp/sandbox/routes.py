"""The route table: every documented operation (endpoints.json) mapped to its handler.

Plain list/get/create/update/delete operations use the generic handlers of `crud.py`; everything else (actions,
downloads, derived collections) is wired to the module that implements its rules.
"""

from __future__ import annotations

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.auth import Authenticator
from flowtly_mcp.sandbox.handlers.login import login
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.router import Body, Route

# (method, template) pairs of the standard operations, per family: the family's path is "/{family}".
_STANDARD: dict[str, tuple[str, ...]] = {
    "budget-contractors": ("list", "create", "get", "delete"),
    "budget-employees": ("list", "create", "get", "delete"),
    "budget-groups": ("list", "create", "get", "update", "delete"),
    "budget-invoices": ("list", "create", "get", "delete"),
    "budget-projects": ("list", "create", "get", "delete"),
    "budget-transactions": ("list", "create", "get", "update", "delete"),
    "budgets": ("list", "create", "get", "update", "delete"),
    "client-contacts": ("list", "create", "get", "update", "delete"),
    "client-notes": ("list", "create", "get", "update", "delete"),
    "clients": ("list", "create", "get", "update"),
    "counterparties": ("list", "create", "get", "update", "delete"),
    "income-transactions": ("list", "create", "get", "update", "delete"),
    "invoice-rows": ("list", "create", "get", "update"),
    "invoice-transactions": ("list", "create", "get", "update", "delete"),
    "invoices": ("list", "create", "get", "update", "delete"),
    "payment-methods": ("list", "get", "update", "delete"),
    "payments": ("list",),
    "project-transactions": ("list", "create", "update", "delete"),
    "transaction-attachments": ("list", "create", "get", "update", "delete"),
    "transactions": ("list", "create", "get", "update"),
}


def standard_routes() -> list[Route]:
    routes: list[Route] = []
    for family, kinds in _STANDARD.items():
        resource = RESOURCES[family]
        collection, item = f"/{family}", f"/{family}/{{id}}"
        for kind in kinds:
            if kind == "list":
                routes.append(Route("GET", collection, crud.list_items(resource)))
            elif kind == "create":
                routes.append(Route("POST", collection, crud.create_item(resource), body=Body.JSON))
            elif kind == "get":
                routes.append(Route("GET", item, crud.get_item(resource)))
            elif kind == "update":
                routes.append(Route("PATCH", item, crud.update_item(resource), body=Body.MERGE_PATCH))
            elif kind == "delete":
                routes.append(Route("DELETE", item, crud.delete_item(resource)))
    return routes


def all_routes(auth: Authenticator) -> list[Route]:
    service = [Route("POST", "/login", login(auth), body=Body.JSON, public=True, documented=False)]
    return service + standard_routes()
