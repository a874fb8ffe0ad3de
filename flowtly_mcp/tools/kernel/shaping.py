"""Turn API records into what a model should read: compact by default, full on request, or chosen fields.

Compact strips JSON-LD noise, turns relation IRIs into ids and midnight date-times into dates. Text that came from
the API (notes, titles, names) stays in its own field: it is data, never instructions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from flowtly_mcp.finance.wire import collection_members

View = Literal["compact", "full"]

_JSONLD_KEYS = frozenset({"@context", "@type", "@id"})
_IRI = re.compile(r"^/api/[a-z0-9-]+/([^/?#]+)$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?$")


def iri_to_id(value: str) -> str | int:
    match = _IRI.match(value)
    if not match:
        return value
    raw = match.group(1)
    return int(raw) if raw.isdigit() else raw


def compact_value(value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith("/api/"):
            return iri_to_id(value)
        midnight = _MIDNIGHT.match(value)
        return midnight.group(1) if midnight else value
    if isinstance(value, Mapping):
        return compact_record(value)
    if isinstance(value, list):
        return [compact_value(v) for v in value]
    return value


def compact_record(record: Mapping[str, Any], keep: Iterable[str] | None = None) -> dict[str, Any]:
    """Strip JSON-LD keys and empty values; keep only `keep` (in that order) when given."""
    keys: Iterable[str] = keep if keep is not None else record.keys()
    out: dict[str, Any] = {}
    if "id" not in record and isinstance(record.get("@id"), str):
        out["id"] = iri_to_id(record["@id"])
    for key in keys:
        if key in _JSONLD_KEYS or key not in record:
            continue
        value = record[key]
        if value is None or value == [] or value == {}:
            continue
        out[key] = compact_value(value)
    return out


def project(record: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Only the named fields (and the id), values compacted; unknown names are simply absent."""
    return compact_record(record, keep=["id", *[f for f in fields if f != "id"]])


def shape(
    record: Mapping[str, Any],
    *,
    view: View,
    fields: Sequence[str] | None,
    compact_fields: Sequence[str] | None,
    derive: Any = None,
) -> dict[str, Any]:
    """Apply derived fields, then the projection the caller asked for."""
    enriched = dict(record)
    if derive is not None:
        enriched.update(derive(record))
    if fields:
        return project(enriched, fields)
    if view == "full":
        return {k: v for k, v in enriched.items() if k != "@context"}
    return compact_record(enriched, keep=["id", *compact_fields] if compact_fields else None)


def decimal_or_none(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    return None


def members(body: Any) -> list[dict[str, Any]]:
    """The records of a collection answer (Hydra, prefixed or not, or a plain array); none for an empty body."""
    return [dict(item) for item in collection_members(body)]


def total_of(body: Any) -> int | None:
    if isinstance(body, Mapping):
        value = body.get("hydra:totalItems", body.get("totalItems"))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def plain(value: Any) -> Any:
    """JSON-safe copy (Decimal as text) for preview details, which travel as JSON."""
    return json.loads(json.dumps(value, default=str))


def compact_answer(body: Any) -> dict[str, Any] | list[Any] | None:
    """An action's answer without JSON-LD noise, for `ActionResult.result`."""
    if isinstance(body, Mapping):
        record: dict[str, Any] = plain(compact_record(body))
        return record
    if isinstance(body, list):
        items: list[Any] = plain([compact_record(item) if isinstance(item, Mapping) else item for item in body])
        return items
    return None
