"""The one endpoint table: every Flowtly operation the package requests by hand, named once.

Tools, prompts and resources name an `Endpoint` from here for both what they declare (`operation`, the
`"METHOD /path"` string of `_meta["flowtly-mcp/operations"]`) and what they request (`path(id=...)`), so the two
cannot drift apart. Each entry is checked against the documented inventory (`data/endpoints.json`) when this module
is imported; the generated CRUD tools read the inventory itself (`documented()`). Outside `api/` and the sandbox no
code writes a request path (a test greps for that).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import refs

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Documented:
    """One operation as the Flowtly documentation lists it."""

    method: str
    path: str
    kind: str
    summary: str
    risk: str | None

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"


@cache
def documented() -> tuple[Documented, ...]:
    raw = json.loads(resources.files("flowtly_mcp").joinpath("data/endpoints.json").read_text(encoding="utf-8"))
    return tuple(
        Documented(e["method"], e["path"], e["kind"], e.get("summary", ""), e.get("risk")) for e in raw["endpoints"]
    )


def operations() -> frozenset[str]:
    return frozenset(e.operation for e in documented())


@dataclass(frozen=True)
class Endpoint:
    """One documented operation: `operation` for a tool's declaration, `path(...)` for the request."""

    method: str
    template: str

    def __post_init__(self) -> None:
        if self.operation not in operations():
            raise KeyError(f"{self.operation} is not a documented endpoint")

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"

    def path(self, **ids: str) -> str:
        """The request path with each `{name}` replaced by its id, quoted as one path segment."""
        missing = set(_PLACEHOLDER.findall(self.template)) - ids.keys()
        if missing:
            raise KeyError(f"{self.operation} needs {sorted(missing)}")

        def fill(match: re.Match[str]) -> str:
            return refs.quote_id(ids[match.group(1)])

        return _PLACEHOLDER.sub(fill, self.template)


# Clients
LIST_CLIENTS = Endpoint("GET", "/clients")
GET_CLIENT = Endpoint("GET", "/clients/{id}")
SEARCH_CLIENTS = Endpoint("GET", "/clients/search")
CLIENT_DOCUMENTS = Endpoint("GET", "/clients/{id}/documents")

# Counterparties
LIST_COUNTERPARTIES = Endpoint("GET", "/counterparties")
GET_COUNTERPARTY = Endpoint("GET", "/counterparties/{id}")
MERGE_COUNTERPARTY = Endpoint("POST", "/counterparties/{id}/merge")
ENRICH_COUNTERPARTY = Endpoint("POST", "/counterparties/{id}/enrich-branding-ai")
ENRICH_ALL_COUNTERPARTIES = Endpoint("POST", "/counterparties/enrich-branding-ai")

# Invoices
LIST_INVOICES = Endpoint("GET", "/invoices")
GET_INVOICE = Endpoint("GET", "/invoices/{id}")
LIST_DRAFT_INVOICES = Endpoint("GET", "/invoices/draft")
NEXT_INVOICE_NAME = Endpoint("GET", "/invoices/name/{date}")
INVOICE_SEND_STATUS = Endpoint("GET", "/invoices/{id}/send")
SEND_INVOICE = Endpoint("POST", "/invoices/{id}/send")
SEND_INVOICES = Endpoint("POST", "/invoices/send")

# Payments applied to invoices
LIST_APPLIED_PAYMENTS = Endpoint("GET", "/invoice-transactions")
CREATE_APPLIED_PAYMENT = Endpoint("POST", "/invoice-transactions")

# KSeF e-invoicing
OPEN_KSEF_SESSION = Endpoint("POST", "/e-invoicing/ksef/session")
SEND_EINVOICE = Endpoint("POST", "/e-invoicing/invoices/{id}/send")
SEND_EINVOICES = Endpoint("POST", "/e-invoices/send")
CORRECT_EINVOICE = Endpoint("POST", "/e-invoicing/invoices/{id}/correction")
QUEUE_INBOUND_EINVOICES = Endpoint("POST", "/e-invoicing/invoices/inbound/queue")
SYNC_INBOUND_EINVOICES = Endpoint("POST", "/e-invoicing/invoices/inbound/sync")
EINVOICE_XML = Endpoint("GET", "/e-invoicing/invoices/{id}/download/xml")
EINVOICE_PDF = Endpoint("GET", "/e-invoicing/invoices/{id}/download/pdf")
EINVOICE_PREVIEW_PDF = Endpoint("GET", "/e-invoicing/invoices/{id}/download/preview/pdf")
EINVOICE_UPO = Endpoint("GET", "/e-invoicing/invoices/{id}/download/upo")
EINVOICES_XML = Endpoint("GET", "/e-invoicing/invoices/download/xml")
INBOUND_EINVOICE_XML = Endpoint("GET", "/e-invoicing/invoices/inbound/{id}/download/xml")
INBOUND_EINVOICE_UPO = Endpoint("GET", "/e-invoicing/invoices/inbound/{id}/download/upo")
INBOUND_EINVOICES_XML = Endpoint("GET", "/e-invoicing/invoices/inbound/download/xml")

# Payment methods
CREATE_SETUP_INTENT = Endpoint("POST", "/payment-methods/create-setup-intent")

# Bank transactions
LIST_TRANSACTIONS = Endpoint("GET", "/transactions")
GET_TRANSACTION = Endpoint("GET", "/transactions/{id}")
UNASSIGNED_TRANSACTIONS = Endpoint("GET", "/transactions/unassigned")
TRANSACTIONS_WITH_PROBLEMS = Endpoint("GET", "/transactions/with-problems")
TRANSACTION_SUGGESTIONS = Endpoint("GET", "/transactions/{id}/suggestions")
APPLY_TRANSACTION_SUGGESTION = Endpoint("POST", "/transactions/{id}/suggestions/{suggestionId}/apply")
IMPORT_TRANSACTIONS = Endpoint("POST", "/transactions/import")
EXPORT_MT940 = Endpoint("GET", "/transactions/export/mt940")
TRANSACTION_ATTACHMENTS_ZIP = Endpoint("POST", "/transactions/attachments/zip")

# Transaction attachments
UPLOAD_ATTACHMENT = Endpoint("POST", "/transaction-attachments/create")
SEARCH_ATTACHMENTS = Endpoint("GET", "/transaction-attachments/search")
GET_ATTACHMENT = Endpoint("GET", "/transaction-attachments/{id}")
ATTACHMENT_SUGGESTIONS = Endpoint("GET", "/transaction-attachments/{id}/suggestions")
ATTACHMENT_SUGGESTIONS_DEBUG = Endpoint("GET", "/transaction-attachments/{id}/suggestions-debug")
APPLY_BEST_ATTACHMENT_SUGGESTION = Endpoint("POST", "/transaction-attachments/{id}/apply-suggestion")
APPLY_ATTACHMENT_SUGGESTION = Endpoint("POST", "/transaction-attachments/{id}/suggestions/{suggestionId}/apply")
APPLY_SUPPLIER_SUGGESTION = Endpoint("POST", "/transaction-attachments/{id}/apply-supplier-suggestion")
DETACH_ATTACHMENT = Endpoint("POST", "/transaction-attachments/{id}/detach")
