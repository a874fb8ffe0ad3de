"""Records as prompts and resources show them: an invoice found by id, IRI or number; compact JSON.

Shared by the prompts (which embed a record the model should look at) and the resources (which serve the same
rendering), so that `flowtly://invoices/12` reads the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flowtly_mcp.api import FlowtlyClient, refs
from flowtly_mcp.api.endpoints import GET_INVOICE, LIST_INVOICES
from flowtly_mcp.tools.invoices.derived import invoice_derived
from flowtly_mcp.tools.kernel.shaping import compact_record

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
    """An invoice by id, IRI or URL, or by its exact number (such as FV/2025/03/0012, case-insensitive)."""
    text = reference.strip()
    if not text:
        raise RecordNotFound("give an invoice id or number")
    if text.isdigit() or ("/" in text and _is_invoice_ref(text)):
        return await api.get(GET_INVOICE.path(id=refs.parse_ref(text, "invoices")))
    # The API's number search is partial; only an exact match identifies one invoice.
    page = await api.get_page(LIST_INVOICES.path(), {"name": text}, items_per_page=30)
    exact = [item for item in page.items if str(item.get("name", "")).casefold() == text.casefold()]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        ids = ", ".join(refs.id_of(item) for item in exact)
        raise RecordNotFound(f"several invoices are numbered {text!r} (ids {ids}); give the id instead")
    raise RecordNotFound(f"no invoice is numbered {text!r}; give its id or its exact number")


def _is_invoice_ref(text: str) -> bool:
    """An invoice IRI or URL (`/api/invoices/12`, `https://.../api/invoices/12`), as opposed to a number."""
    try:
        refs.parse_ref(text, "invoices")
    except ValueError:
        return False
    return True
