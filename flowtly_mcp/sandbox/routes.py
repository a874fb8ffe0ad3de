"""The route table: every documented operation (endpoints.json) mapped to its handler.

Plain list/get/create/update/delete operations use the generic handlers of `crud.py`; everything else (actions,
downloads, derived collections) is wired to the module that implements its rules.
"""

from __future__ import annotations

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.auth import Authenticator
from flowtly_mcp.sandbox.handlers import (
    attachments,
    clients,
    counterparties,
    invoices,
    ksef,
    ksef_files,
    payment_methods,
    transactions,
)
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


def action_routes() -> list[Route]:
    """Every documented operation beyond plain CRUD."""
    ei = "/e-invoicing/invoices"
    return [
        Route("GET", "/clients/search", clients.search),
        Route("GET", "/clients/{id}/documents", clients.documents),
        Route("POST", "/counterparties/enrich-branding-ai", counterparties.enrich_all, body=Body.OPTIONAL_JSON),
        Route("POST", "/counterparties/{id}/enrich-branding-ai", counterparties.enrich_one, body=Body.OPTIONAL_JSON),
        Route("POST", "/counterparties/{id}/merge", counterparties.merge, body=Body.JSON),
        Route("GET", "/invoices/draft", invoices.list_drafts),
        Route("GET", "/invoices/name/{date}", invoices.next_name),
        Route("POST", "/invoices/send", invoices.send_many, body=Body.JSON),
        Route("GET", "/invoices/{id}/send", invoices.send_status),
        Route("POST", "/invoices/{id}/send", invoices.send_one, body=Body.OPTIONAL_JSON),
        Route("POST", "/e-invoices/send", ksef.send_many, body=Body.JSON),
        Route("POST", "/e-invoicing/ksef/session", ksef.open_session, body=Body.OPTIONAL_JSON),
        Route("POST", f"{ei}/{{id}}/send", ksef.send_one, body=Body.OPTIONAL_JSON),
        Route("POST", f"{ei}/{{id}}/correction", ksef.correct, body=Body.JSON),
        Route("POST", f"{ei}/inbound/sync", ksef.inbound_sync, body=Body.JSON),
        Route("POST", f"{ei}/inbound/queue", ksef.inbound_queue, body=Body.OPTIONAL_JSON),
        Route("GET", f"{ei}/download/xml", ksef_files.download_many_xml, download=True),
        Route("GET", f"{ei}/inbound/download/xml", ksef_files.download_many_inbound_xml, download=True),
        Route("GET", f"{ei}/inbound/{{id}}/download/xml", ksef_files.inbound_xml, download=True),
        Route("GET", f"{ei}/inbound/{{id}}/download/upo", ksef_files.inbound_upo, download=True),
        Route("GET", f"{ei}/{{id}}/download/xml", ksef_files.download_xml, download=True),
        Route("GET", f"{ei}/{{id}}/download/pdf", ksef_files.download_pdf, download=True),
        Route("GET", f"{ei}/{{id}}/download/preview/pdf", ksef_files.download_preview_pdf, download=True),
        Route("GET", f"{ei}/{{id}}/download/upo", ksef_files.download_upo, download=True),
        Route(
            "POST", "/payment-methods/create-setup-intent", payment_methods.create_setup_intent, body=Body.OPTIONAL_JSON
        ),
        Route("POST", "/transaction-attachments/create", attachments.upload, body=Body.UPLOAD),
        Route("GET", "/transaction-attachments/search", attachments.search),
        Route("GET", "/transaction-attachments/{id}/suggestions", attachments.suggestions),
        Route("GET", "/transaction-attachments/{id}/suggestions-debug", attachments.suggestions_debug),
        Route(
            "POST",
            "/transaction-attachments/{id}/suggestions/{suggestionId}/apply",
            attachments.apply_chosen,
            body=Body.OPTIONAL_JSON,
        ),
        Route(
            "POST", "/transaction-attachments/{id}/apply-suggestion", attachments.apply_best, body=Body.OPTIONAL_JSON
        ),
        Route(
            "POST",
            "/transaction-attachments/{id}/apply-supplier-suggestion",
            attachments.apply_supplier,
            body=Body.OPTIONAL_JSON,
        ),
        Route("POST", "/transaction-attachments/{id}/detach", attachments.detach, body=Body.OPTIONAL_JSON),
        Route("GET", "/transactions/unassigned", transactions.list_unassigned),
        Route("GET", "/transactions/with-problems", transactions.list_with_problems),
        Route("POST", "/transactions/import", transactions.import_transactions, body=Body.JSON),
        Route("GET", "/transactions/export/mt940", transactions.export_mt940, download=True),
        Route("POST", "/transactions/attachments/zip", transactions.attachments_zip, body=Body.JSON, download=True),
        Route("GET", "/transactions/{id}/suggestions", transactions.suggestions),
        Route(
            "POST",
            "/transactions/{id}/suggestions/{suggestionId}/apply",
            transactions.apply_suggestion,
            body=Body.OPTIONAL_JSON,
        ),
    ]


def service_routes(auth: Authenticator) -> list[Route]:
    """Undocumented helpers: login, the OpenAPI document, and dereferenceable e-invoicing IRIs."""
    from flowtly_mcp.sandbox.handlers import docs

    return [
        Route("POST", "/login", login(auth), body=Body.JSON, public=True, documented=False),
        Route("GET", "/docs.json", docs.openapi, public=True, documented=False),
        Route("GET", "/", docs.entrypoint, documented=False),
        Route("GET", "/e-invoicing/{id}", ksef.read_state, documented=False),
    ]


def all_routes(auth: Authenticator) -> list[Route]:
    return service_routes(auth) + standard_routes() + action_routes()
