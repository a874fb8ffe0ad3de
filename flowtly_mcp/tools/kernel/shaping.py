"""Turn API records into what a model should read: compact by default, full on request, or chosen fields.

Compact strips JSON-LD noise, turns relation IRIs into ids and midnight date-times into dates. Text that came from
the API (notes, titles, names) stays in its own field: it is data, never instructions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from types import MappingProxyType
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


def compact_text(value: str) -> str | int:
    """A relation IRI as its id, a midnight date-time as its date, any other text as it is."""
    # Two cheap tests rule out most text (names, numbers, codes) before any regex runs.
    if value.startswith("/api/") or value[10:19] == "T00:00:00":
        return _compacted(value)
    return value


# IRIs and dates repeat across the records of a page and across pages (one client, one due date, many invoices).
@lru_cache(maxsize=4096)
def _compacted(value: str) -> str | int:
    if value.startswith("/api/"):
        return iri_to_id(value)
    midnight = _MIDNIGHT.match(value)
    return midnight.group(1) if midnight else value


_PLAIN = frozenset({int, float, bool, Decimal, type(None)})


def compact_value(value: Any) -> Any:
    # The types a record is made of are tested first and exactly: an ABC check per number adds up over a record.
    kind = type(value)
    if kind is str:
        return compact_text(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return compact_record(value)
    if kind is list:
        return [compact_value(v) for v in value]
    if isinstance(value, str):
        return compact_text(value)
    if isinstance(value, list):
        return [compact_value(v) for v in value]
    if isinstance(value, Mapping):
        return compact_record(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


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
        kind = type(value)
        if kind is list or kind is dict:
            if not value:
                continue
        elif value is None or (kind not in _PLAIN and kind is not str and _empty(value)):
            continue
        out[key] = compact_value(value)
    return out


def project(record: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Only the named fields (and the id), values compacted; unknown names are simply absent."""
    return compact_record(record, keep=["id", *[f for f in fields if f != "id"]])


Derive = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class CompactView:
    """A family's compact view, worked out once: the fields it keeps (id first, JSON-LD keys and repeats dropped)
    and the derived fields it adds. `apply` gives what `compact_record` gives for the record with its derived fields
    merged over it, without copying the record first."""

    keep: tuple[str, ...]
    derive: Derive | None

    @classmethod
    def of(cls, compact_fields: Sequence[str], derive: Derive | None) -> CompactView:
        names = [name for name in ("id", *compact_fields) if name not in _JSONLD_KEYS]
        return cls(tuple(dict.fromkeys(names)), derive)

    def apply(self, record: Mapping[str, Any]) -> dict[str, Any]:
        # Runs for every record of every list call: lookups bound once, the common types tested first and exactly.
        derived = self.derive(record) if self.derive is not None else _NOTHING
        out: dict[str, Any] = {}
        if "id" not in record and "id" not in derived:
            iri = derived["@id"] if "@id" in derived else record.get("@id")
            if isinstance(iri, str):
                out["id"] = iri_to_id(iri)
        get = record.get
        for key in self.keep:
            value: Any = derived[key] if key in derived else get(key)
            kind = type(value)
            if kind is str:
                # compact_text, inlined.
                out[key] = _compacted(value) if value.startswith("/api/") or value[10:19] == "T00:00:00" else value
            elif kind in _SCALARS:
                out[key] = value
            elif value is not None and not _empty(value):
                out[key] = compact_value(value)
        return out


_NOTHING: Mapping[str, Any] = MappingProxyType({})
_SCALARS = frozenset({int, Decimal, bool, float})


@lru_cache(maxsize=256)
def compact_view(compact_fields: tuple[str, ...], derive: Derive | None) -> CompactView:
    """The compact view of a family, built on its first use and reused for every record after."""
    return CompactView.of(compact_fields, derive)


def shaper(
    *, view: View, fields: Sequence[str] | None, compact_fields: Sequence[str] | None, derive: Derive | None = None
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """How each record of a call is shaped: derived fields applied, then the projection the caller asked for."""
    if not fields and view != "full" and compact_fields:
        # The common case (every list call): the family's precomputed view, no copy of the record.
        return compact_view(tuple(compact_fields), derive).apply
    return partial(_reshaped, view=view, fields=fields, derive=derive)


def _reshaped(
    record: Mapping[str, Any], *, view: View, fields: Sequence[str] | None, derive: Derive | None
) -> dict[str, Any]:
    enriched = dict(record)
    if derive is not None:
        enriched.update(derive(record))
    if fields:
        return project(enriched, fields)
    if view == "full":
        return {k: v for k, v in enriched.items() if k != "@context"}
    return compact_record(enriched)


def shape(
    record: Mapping[str, Any],
    *,
    view: View,
    fields: Sequence[str] | None,
    compact_fields: Sequence[str] | None,
    derive: Derive | None = None,
) -> dict[str, Any]:
    """One record shaped (`shaper`)."""
    return shaper(view=view, fields=fields, compact_fields=compact_fields, derive=derive)(record)


def shape_page(
    records: Iterable[Mapping[str, Any]],
    *,
    view: View,
    fields: Sequence[str] | None,
    compact_fields: Sequence[str] | None,
    derive: Derive | None = None,
) -> list[dict[str, Any]]:
    """Every record of a page shaped, the family's compact view looked up once for all of them."""
    apply = shaper(view=view, fields=fields, compact_fields=compact_fields, derive=derive)
    return [apply(record) for record in records]


def decimal_or_none(value: Any) -> Decimal | None:
    kind = type(value)
    if kind is Decimal:
        exact: Decimal = value
        return exact
    if kind is str:
        # The API writes decimals as text ("9766.20"): the common case, tested exactly first.
        try:
            return Decimal(value)
        except ArithmeticError:
            return None
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
