"""Invoices referenced the way people do: by number (`FV/2026/11/0034`) as well as by id, IRI or URL.

Before a tool runs (and before its preview), every invoice reference that is neither an id nor an IRI nor a URL is
taken as an invoice number and resolved through the API: with the collection's `name` filter when the API declares
it, else by walking the invoices. Only an exact match counts; two invoices with one number is an error listing both.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.endpoints import LIST_INVOICES
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.models.common import ref_fields
from flowtly_mcp.tools.kernel.errors import ToolInputError
from flowtly_mcp.tools.kernel.listing import declared_for

INVOICES = "invoices"
_COLLECTION = LIST_INVOICES.path()
_NUMBER_FILTER = "name"
MAX_CANDIDATES = 5


def is_invoice_number(value: object) -> bool:
    """A reference that cannot be an invoice id (a whole number), an IRI or a URL."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or any(part in (".", "..") for part in text.split("/")):
        # No reference at all, or a path trick: refused by name later, without a lookup.
        return False
    return not text.isdigit() and not text.startswith("/") and "://" not in text


async def resolve_invoice_numbers(api: FlowtlyClient, args: BaseModel) -> BaseModel:
    """`args` with every invoice number replaced by that invoice's id; the tool's own models are kept."""
    return await _resolved(api, args, "")


@lru_cache(maxsize=512)
def _invoice_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of an input model that reference invoices, read once per model (every call asks)."""
    return frozenset(name for name, family in ref_fields(model).items() if family == INVOICES)


async def _resolved(api: FlowtlyClient, model: BaseModel, where: str) -> BaseModel:
    invoice_fields = _invoice_fields(type(model))
    changes: dict[str, Any] = {}
    given = model.model_fields_set
    # Only what the caller gave can hold an invoice number (a default never does), in declaration order so that the
    # first field at fault is the one reported; a listing's many unset filters are skipped at once.
    for name in [name for name in type(model).model_fields if name in given]:
        value = getattr(model, name)
        field = f"{where}{name}"
        if name in invoice_fields:
            if isinstance(value, list):
                if any(is_invoice_number(item) for item in value):
                    changes[name] = [
                        await invoice_id_of(api, item, f"{field}[{i}]") if is_invoice_number(item) else item
                        for i, item in enumerate(value)
                    ]
            elif is_invoice_number(value):
                changes[name] = await invoice_id_of(api, value, field)
        elif isinstance(value, BaseModel):
            resolved = await _resolved(api, value, f"{field}.")
            if resolved is not value:
                changes[name] = resolved
        elif isinstance(value, list) and any(isinstance(item, BaseModel) for item in value):
            items = [
                await _resolved(api, item, f"{field}[{i}].") if isinstance(item, BaseModel) else item
                for i, item in enumerate(value)
            ]
            if any(new is not old for new, old in zip(items, value, strict=True)):
                changes[name] = items
    return model.model_copy(update=changes) if changes else model


async def invoice_id_of(api: FlowtlyClient, number: str, field: str) -> str:
    """The id of the one invoice numbered `number`; an input error naming `field` when none or several are."""
    wanted = number.strip()
    declared = declared_for(_COLLECTION, await api.declared_filters(_COLLECTION))
    params = [(_NUMBER_FILTER, wanted)] if _NUMBER_FILTER in declared else None
    matches = [r for r in await api.fetch_all(_COLLECTION, params) if _number(r) == wanted.casefold()]
    if not matches:
        raise ToolInputError(
            f"{field}: no invoice has the number {wanted!r}. Check it with list_invoices (its number filter "
            "matches part of a number), or give the invoice's id."
        )
    if len(matches) > 1:
        shown = "; ".join(_candidate(record) for record in matches[:MAX_CANDIDATES])
        more = f" and {len(matches) - MAX_CANDIDATES} more" if len(matches) > MAX_CANDIDATES else ""
        raise ToolInputError(
            f"{field}: {len(matches)} invoices have the number {wanted!r}: {shown}{more}. Give the id of the one "
            "you mean (get_invoice shows each)."
        )
    found = matches[0].get("id") or iri_id(matches[0].get("@id"))
    if found is None:
        raise ToolInputError(f"{field}: the invoice numbered {wanted!r} came without an id; give its id instead.")
    return str(found)


def _number(record: Mapping[str, Any]) -> str:
    return str(record.get("name") or "").strip().casefold()


def _candidate(record: Mapping[str, Any]) -> str:
    parts = [f"id {record.get('id') or iri_id(record.get('@id'))}"]
    issued = str(record.get("issueDate") or "")[:10]
    if issued:
        parts.append(f"issued {issued}")
    client = record.get("client")
    client_id = iri_id(client.get("@id") if isinstance(client, Mapping) else client)
    if client_id:
        parts.append(f"client {client_id}")
    if record.get("amount") is not None:
        parts.append(f"{record.get('amount')} {record.get('currency') or ''}".strip())
    return ", ".join(parts)
