"""Names next to ids in previews: `client: 38 (Acme Sp. z o.o.)`, never a bare `client: 38`.

A person approves what they recognise; an id alone asks them to trust the model. Each referenced record is read once
per preview; one that cannot be read is shown as such rather than failing the preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api import refs
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.kernel.runtime import Invocation

# Reference field → (path family, the fields that name such a record, first present wins).
NAMED_REFERENCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "client": ("clients", ("name",)),
    "counterparty": ("counterparties", ("displayName", "name")),
    "invoice": ("invoices", ("name",)),
    "transaction": ("transactions", ("counterpartyName", "description")),
}


async def label(inv: Invocation, family: str, value: Any, name_fields: tuple[str, ...]) -> str:
    """`38 (Acme Sp. z o.o.)` for a reference; the bare id when the record cannot be read."""
    record_id = iri_id(value) if isinstance(value, str) else (str(value) if value is not None else None)
    if record_id is None:
        return str(value)
    try:
        record = await inv.api.get(refs.item_path(family, record_id))
    except api_errors.NotFound:
        return f"{record_id} (not found)"
    name = next((str(record[f]) for f in name_fields if record.get(f)), None)
    return f"{record_id} ({name})" if name else record_id


async def with_names(inv: Invocation, details: Mapping[str, Any]) -> dict[str, Any]:
    """`details` with every client, counterparty, invoice and transaction reference labelled with its name."""
    out = dict(details)
    for field, (family, name_fields) in NAMED_REFERENCES.items():
        value = out.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            out[field] = await label(inv, family, value, name_fields)
    return out
