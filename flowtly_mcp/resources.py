"""MCP resources: invoices and their documents, clients with statements and open invoices, counterparties,
bank transactions, and the tool catalog (registered by `register_resources`).

Records are compact JSON (the same rendering prompts embed). Documents (PDF, FA XML, UPO) are served as blobs,
byte for byte as Flowtly produced them: KSeF documents are hashed and signed, so not even the encoding may change.
Every read goes through the server's one API client, with the server's own Flowtly credentials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from flowtly_mcp.api import FlowtlyClient, refs
from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api.endpoints import (
    EINVOICE_PDF,
    EINVOICE_UPO,
    EINVOICE_XML,
    GET_CLIENT,
    GET_COUNTERPARTY,
    GET_INVOICE,
    GET_TRANSACTION,
    LIST_INVOICES,
    Endpoint,
)
from flowtly_mcp.finance.records import InvoiceView
from flowtly_mcp.finance.statement import ClientStatement, client_statement
from flowtly_mcp.prompts.completion import completions
from flowtly_mcp.prompts.records import JSON_MIME, compact_invoice, to_json
from flowtly_mcp.prompts.suggestions import client_ids, counterparty_ids, invoice_ids
from flowtly_mcp.tools.kernel.errors import describe_failure
from flowtly_mcp.tools.kernel.shaping import compact_record

T = TypeVar("T")

INVOICE = "flowtly://invoices/{id}"
CLIENT = "flowtly://clients/{id}"
STATEMENT = "flowtly://clients/{id}/statement{?date_from,date_to}"
OPEN_INVOICES = "flowtly://clients/{id}/open-invoices"
COUNTERPARTY = "flowtly://counterparties/{id}"
TRANSACTION = "flowtly://transactions/{id}"
TOOLSETS = "flowtly://toolsets"

# Invoice documents: URI suffix -> (what it is, download path under /e-invoicing/invoices/{id}, MIME type)
DOCUMENTS: dict[str, tuple[str, Endpoint, str]] = {
    "pdf": ("PDF of the e-invoice", EINVOICE_PDF, "application/pdf"),
    "xml": ("FA XML of the e-invoice, as sent to KSeF", EINVOICE_XML, "application/xml"),
    "upo": ("UPO: KSeF's official receipt of the e-invoice", EINVOICE_UPO, "application/xml"),
}

_OPEN_FIELDS = ("name", "issueDate", "dueDate", "amount", "openAmount", "currency", "status")


def _api(ctx: Context[Any]) -> FlowtlyClient:
    api: FlowtlyClient = ctx.request_context.lifespan_context.api
    return api


async def _read(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run one read; API failures become resource errors whose text says what to do."""
    try:
        return await call()
    except api_errors.NotFound:
        raise ResourceNotFoundError(f"{what} does not exist in Flowtly") from None
    except api_errors.FlowtlyError as exc:
        raise ResourceError(describe_failure(exc, "resources/read")) from None


def _record_id(value: str, family: str) -> str:
    try:
        return refs.parse_ref(value, family)
    except ValueError as exc:
        raise ResourceNotFoundError(str(exc)) from None


async def read_invoice(id: str, ctx: Context[Any]) -> str:
    """One invoice with its rows, payments applied, open amount and KSeF state."""
    record_id = _record_id(id, "invoices")
    record = await _read(f"invoice {record_id}", lambda: _api(ctx).get(GET_INVOICE.path(id=record_id)))
    return to_json(compact_invoice(record))


def _document_reader(suffix: str) -> Callable[[str, Context[Any]], Awaitable[bytes]]:
    label, download, _ = DOCUMENTS[suffix]

    async def read_document(id: str, ctx: Context[Any]) -> bytes:
        record_id = _record_id(id, "invoices")
        path = download.path(id=record_id)
        document = await _read(f"the {suffix.upper()} of invoice {record_id}", lambda: _api(ctx).download("GET", path))
        return document.content

    read_document.__doc__ = f"The {label}, as a blob."
    read_document.__name__ = f"invoice_{suffix}"
    return read_document


async def read_client(id: str, ctx: Context[Any]) -> str:
    """One client: name, tax id, address, currency, payment terms and contacts."""
    record_id = _record_id(id, "clients")
    record = await _read(f"client {record_id}", lambda: _api(ctx).get(GET_CLIENT.path(id=record_id)))
    return to_json(compact_record(record))


async def _client_invoices(api: FlowtlyClient, client_id: str) -> list[dict[str, Any]]:
    return await api.fetch_all(LIST_INVOICES.path(), {"client": refs.iri("clients", client_id)})


def _views(records: list[dict[str, Any]], what: str) -> list[InvoiceView]:
    try:
        return [InvoiceView.from_api(record) for record in records]
    except ValueError as exc:
        # The finance adapters name the record and the field they could not use.
        raise ResourceError(f"Flowtly sent {what} in a shape this server cannot read: {exc}") from None


def _statement_json(client: dict[str, Any], statement: ClientStatement) -> dict[str, Any]:
    return {
        "client": {"id": statement.client_id, "name": client.get("name")},
        "date_from": statement.date_from,
        "date_to": statement.date_to,
        "currencies": {
            currency: {
                "opening_balance": section.opening_balance,
                "lines": [
                    {
                        "date": line.date,
                        "kind": line.kind,
                        "invoice_id": line.invoice_id,
                        "reference": line.reference,
                        "debit": line.debit,
                        "credit": line.credit,
                        "balance": line.balance,
                    }
                    for line in section.lines
                ],
                "total_debit": section.total_debit,
                "total_credit": section.total_credit,
                "closing_balance": section.closing_balance,
            }
            for currency, section in statement.currencies.items()
        },
        "undated_payments": statement.undated_payments,
    }


def _day(name: str, value: str, default: dt.date) -> dt.date:
    if not value.strip():
        return default
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ResourceNotFoundError(f"{name} must be a date such as 2025-03-31, got {value!r}") from None


async def read_statement(id: str, ctx: Context[Any], date_from: str = "", date_to: str = "") -> str:
    """Statement of account: invoices and payments in date order with a running balance, per currency.

    The period defaults to the current calendar year up to today; earlier movements form the opening balance.
    """
    record_id = _record_id(id, "clients")
    today = dt.date.today()
    start = _day("date_from", date_from, today.replace(month=1, day=1))
    end = _day("date_to", date_to, today)
    if start > end:
        raise ResourceNotFoundError(f"date_from {start} is after date_to {end}")
    api = _api(ctx)
    client = await _read(f"client {record_id}", lambda: api.get(GET_CLIENT.path(id=record_id)))
    what = f"invoices of client {record_id}"
    invoices = _views(await _read(what, lambda: _client_invoices(api, record_id)), what)
    statement = client_statement(invoices, None, record_id, start, end)
    return to_json(_statement_json(client, statement))


async def read_open_invoices(id: str, ctx: Context[Any]) -> str:
    """The client's issued invoices with money still open, oldest due first, with totals per currency."""
    record_id = _record_id(id, "clients")
    api = _api(ctx)
    what = f"invoices of client {record_id}"
    records = await _read(what, lambda: _client_invoices(api, record_id))
    open_items: list[tuple[dt.date, dict[str, Any]]] = []
    totals: dict[str, Decimal] = {}
    for record, view in zip(records, _views(records, what), strict=True):
        if view.is_draft or view.open <= 0:
            continue
        totals[view.currency] = totals.get(view.currency, Decimal(0)) + view.open
        shown = compact_record({**record, "openAmount": view.open}, keep=["id", *_OPEN_FIELDS])
        open_items.append((view.effective_due_date or dt.date.max, shown))
    open_items.sort(key=lambda item: item[0])
    invoices = [shown for _, shown in open_items]
    return to_json({"client": record_id, "invoices": invoices, "open_by_currency": totals})


async def read_counterparty(id: str, ctx: Context[Any]) -> str:
    """One counterparty: name, tax ids, bank accounts, client and supplier links, transaction count."""
    record_id = _record_id(id, "counterparties")
    path = GET_COUNTERPARTY.path(id=record_id)
    return to_json(compact_record(await _read(f"counterparty {record_id}", lambda: _api(ctx).get(path))))


async def read_transaction(id: str, ctx: Context[Any]) -> str:
    """One bank transaction: amount, dates, title, counterparty, and what it is assigned to."""
    record_id = _record_id(id, "transactions")
    path = GET_TRANSACTION.path(id=record_id)
    return to_json(compact_record(await _read(f"transaction {record_id}", lambda: _api(ctx).get(path))))


def read_toolsets() -> str:
    """The toolsets and their tools; a tool outside the listed ones is reachable through execute_tool."""
    from flowtly_mcp.tools.all import registry
    from flowtly_mcp.toolsets import TOOLSETS as SETS

    tools = list(registry())
    listing = [
        {
            "toolset": toolset.name,
            "description": toolset.description,
            "default": toolset.default,
            "tools": [
                spec.name for spec in tools if spec.toolset == toolset.name or (spec.core and toolset.name == "core")
            ],
        }
        for toolset in SETS
    ]
    return to_json(listing)


def register_resources(server: MCPServer[Any]) -> None:
    """Add the resources and resource templates to `server`."""
    server.resource(INVOICE, name="invoice", title="Invoice", mime_type=JSON_MIME)(read_invoice)
    for suffix, (label, _, mime) in DOCUMENTS.items():
        uri = f"{INVOICE}/{suffix}"
        server.resource(uri, name=f"invoice_{suffix}", title=label, mime_type=mime)(_document_reader(suffix))
    server.resource(CLIENT, name="client", title="Client", mime_type=JSON_MIME)(read_client)
    server.resource(STATEMENT, name="client_statement", title="Client statement", mime_type=JSON_MIME)(read_statement)
    server.resource(OPEN_INVOICES, name="client_open_invoices", title="Client's open invoices", mime_type=JSON_MIME)(
        read_open_invoices
    )
    server.resource(COUNTERPARTY, name="counterparty", title="Counterparty", mime_type=JSON_MIME)(read_counterparty)
    server.resource(TRANSACTION, name="transaction", title="Bank transaction", mime_type=JSON_MIME)(read_transaction)
    server.resource(TOOLSETS, name="toolsets", title="Toolsets and their tools", mime_type=JSON_MIME)(read_toolsets)

    table = completions(server)
    for template in (INVOICE, *(f"{INVOICE}/{suffix}" for suffix in DOCUMENTS)):
        table.for_template(template, "id", invoice_ids)
    for template in (CLIENT, STATEMENT, OPEN_INVOICES):
        table.for_template(template, "id", client_ids)
    table.for_template(COUNTERPARTY, "id", counterparty_ids)
