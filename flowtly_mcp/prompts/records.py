"""Records as prompts and resources show them: found by id, IRI or number, rendered as compact JSON.

Shared by the prompts (which embed a record the model should look at) and the resources (which serve the same
rendering), so that `flowtly://invoices/12` reads the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flowtly_mcp.api import FlowtlyClient, refs
from flowtly_mcp.tools.derived import invoice_derived
from flowtly_mcp.tools.shaping import compact_record

JSON_MIME = "application/json"


class RecordNotFound(LookupError):
    """No record matches the reference; the message says what was looked for."""


def to_json(value: Any) -> str:
    """Compact JSON; Decimal money stays exact text (`"1845.00"`), never a float."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def compact_invoice(record: Mapping[str, Any]) -> dict[str, Any]:
    """The whole invoice (rows, payments applied, KSeF state) without JSON-LD noise, plus open amount and KSeF."""
    return compact_record({**record, **invoice_derived(record)})


async def find_invoice(api: FlowtlyClient, reference: str) -> dict[str, Any]:
    """An invoice by id, IRI or URL, or by its exact number (such as FV/2025/03/0012)."""
    return await _find(api, "invoices", "invoice", reference, by="name", called="numbered")


async def find_client(api: FlowtlyClient, reference: str) -> dict[str, Any]:
    """A client by id, IRI or URL, or by its exact name (case-insensitive)."""
    return await _find(api, "clients", "client", reference, by="name", called="named")


async def _find(api: FlowtlyClient, family: str, label: str, reference: str, *, by: str, called: str) -> dict[str, Any]:
    text = reference.strip()
    if not text:
        raise RecordNotFound(f"a {label} id or {by} is required")
    if text.isdigit() or text.startswith((f"/api/{family}/", "http://", "https://")):
        return await api.get(refs.item_path(family, refs.parse_ref(text, family)))
    # The API's search is partial; only an exact (case-insensitive) match identifies one record.
    page = await api.get_page(f"/{family}", {by: text}, items_per_page=30)
    exact = [item for item in page.items if str(item.get(by, "")).casefold() == text.casefold()]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        ids = ", ".join(refs.id_of(item) for item in exact)
        raise RecordNotFound(f"several {family} are {called} {text!r} (ids {ids}); give the id instead")
    raise RecordNotFound(f"no {label} is {called} {text!r}; give its id")
