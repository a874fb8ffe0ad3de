"""List filters that tell the truth: sent to the API only where it declares them, checked here otherwise.

API Platform silently ignores a query parameter its resource does not declare, so a filter it does not know would
come back as the whole collection, reported as filtered. A collection's declared filters are its `hydra:search`
variables; a server that publishes no mapping is held to the documented ones, and Flowtly's documentation names
none (`endpoints.json` says only "paginated, filterable"). Every other filter is applied here on the walked pages,
and the total counts what matched; a filter on a field the records do not carry cannot be checked, and is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from flowtly_mcp.api.cursor import decode_cursor, encode_cursor, listing_scope
from flowtly_mcp.finance.wire import iri_id, parse_date
from flowtly_mcp.models.common import ref_fields
from flowtly_mcp.models.filters import Q
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.references import ref_iri
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import decimal_or_none

# What the documentation declares per collection when a server publishes no `hydra:search` mapping: nothing.
DOCUMENTED_FILTERS: dict[str, frozenset[str]] = {}
# A filter checked here reads the whole (server-filtered) collection; past this many records it is refused.
MAX_CHECKED_RECORDS = 5000
_LOCAL_SCOPE = "#checked-here"

Pairs = list[tuple[str, str]]
Record = dict[str, Any]


@dataclass(frozen=True)
class FilterUse:
    """One filter argument that was given: its name, its marker, its value and the query pairs it becomes."""

    name: str
    marker: Q
    value: Any
    pairs: Pairs

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.pairs)


@dataclass(frozen=True)
class _FilterFields:
    """What a filter model declares, read once per model: each filter field's marker, and the referenced family of
    the fields that hold references."""

    markers: tuple[tuple[str, Q], ...]
    families: Mapping[str, str]


@lru_cache(maxsize=256)
def _filter_fields(filters: type[BaseModel]) -> _FilterFields:
    markers = []
    for name, info in filters.model_fields.items():
        marker = next((m for m in info.metadata if isinstance(m, Q)), None)
        if marker is not None:
            markers.append((name, marker))
    return _FilterFields(tuple(markers), MappingProxyType(ref_fields(filters)))


def filter_uses(filters: type[BaseModel], args: BaseModel) -> list[FilterUse]:
    """The given filter arguments, each with the API Platform query pairs it becomes."""
    declared = _filter_fields(filters)
    families = declared.families
    uses: list[FilterUse] = []
    for name, marker in declared.markers:
        value = getattr(args, name, None)
        if value is None:
            continue
        pairs: Pairs
        if marker.sort:
            field = str(value).lstrip("-")
            pairs = [(f"{marker.key}[{field}]", "desc" if str(value).startswith("-") else "asc")]
        elif name in families:
            pairs = [(marker.key, ref_iri(value, families[name], name))]
        elif isinstance(value, list):
            pairs = [(marker.key, str(v)) for v in value]
        elif isinstance(value, bool):
            pairs = [(marker.key, "true" if value else "false")]
        elif isinstance(value, dt.date):
            pairs = [(marker.key, value.isoformat())]
        else:
            pairs = [(marker.key, str(value))]
        uses.append(FilterUse(name, marker, value, pairs))
    return uses


def declared_for(path: str, served: frozenset[str] | None) -> frozenset[str]:
    return served if served is not None else DOCUMENTED_FILTERS.get(path.strip("/"), frozenset())


@dataclass(frozen=True)
class Checked:
    """A listing with some filters checked here: the matching records (all of them) and the filters' names."""

    records: list[Record]
    names: list[str]


async def check_here(inv: Invocation, path: str, family_label: str, sent: Pairs, local: Sequence[FilterUse]) -> Checked:
    """Walk the collection (narrowed by the declared filters in `sent`) and apply `local` to every record."""
    records: list[Record] = []
    async for record in inv.api.iterate(path, sent):
        records.append(record)
        if len(records) > MAX_CHECKED_RECORDS:
            names = ", ".join(use.name for use in local)
            raise ToolRefused(
                f"The API does not declare the {names} filter for {family_label}s, and checking it here would read "
                f"more than {MAX_CHECKED_RECORDS} records. Narrow the listing with other filters first."
            )
    matchers = [(use, _matcher(use)) for use in local if not use.marker.sort]
    for use, _ in matchers:
        field = _field_of(use.marker.key)
        if records and not any(field in record for record in records):
            instead = f"; {use.marker.instead}" if use.marker.instead else ""
            raise ToolInputError(
                f"{use.name}: the API does not declare this filter for {family_label}s and their records do not "
                f"carry {field}, so it cannot be applied. Leave {use.name} out{instead}."
            )
    kept = [record for record in records if all(match(record) for _, match in matchers)]
    for use in local:
        if use.marker.sort:
            kept = _sorted(kept, str(use.value))
    return Checked(kept, [use.name for use in local])


def local_page(
    checked: Checked, path: str, pairs: Pairs, limit: int, cursor: str | None
) -> tuple[list[Record], str | None]:
    """A slice of the records checked here, with a cursor bound to this listing (filters checked here included)."""
    scope = listing_scope(path + _LOCAL_SCOPE, pairs)
    offset = decode_cursor(cursor, scope)[1] if cursor else 0
    items = checked.records[offset : offset + limit]
    after = offset + len(items)
    return items, encode_cursor(scope, 1, after) if after < len(checked.records) else None


def _field_of(key: str) -> str:
    """The record field a query parameter is about: `issueDate[after]` → issueDate, `exists[eInvoicing]` →
    eInvoicing, `status[]` → status."""
    if key.startswith("exists[") or key.startswith("order["):
        return key[key.index("[") + 1 : -1]
    return key.split("[", 1)[0]


def _text(value: Any) -> str | None:
    """A record value or a filter value as comparable text: relations by their id, codes case-folded."""
    if isinstance(value, Mapping):
        value = value.get("@id") or value.get("id")
    if value is None:
        return None
    text = str(value).strip()
    if text.startswith("/") or "://" in text:
        text = iri_id(text) or text
    return text.casefold()


def _matcher(use: FilterUse) -> Callable[[Mapping[str, Any]], bool]:
    key = use.marker.key
    field = _field_of(key)
    if key.startswith("exists["):
        wanted = bool(use.value)
        return lambda record: (record.get(field) not in (None, "", [], {})) is wanted
    if "[" in key and not key.endswith("[]"):
        bound = key[key.index("[") + 1 : -1]
        return _bounded(field, bound, use.value)
    values = {_text(v) for _, v in use.pairs}
    if use.marker.partial:
        needle = next(iter(values)) or ""
        return lambda record: any(needle in (_text(item) or "") for item in _items(record.get(field)))
    return lambda record: any(_text(item) in values for item in _items(record.get(field)))


def _items(value: Any) -> list[Any]:
    """A field's values: the entries of a to-many field (bankAccounts, status lists), else the value itself."""
    return list(value) if isinstance(value, list) else [value]


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "after": lambda a, b: a >= b,
    "strictly_after": lambda a, b: a > b,
    "before": lambda a, b: a <= b,
    "strictly_before": lambda a, b: a < b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def _bounded(field: str, bound: str, value: Any) -> Callable[[Mapping[str, Any]], bool]:
    compare = _COMPARE[bound]
    if isinstance(value, dt.date):

        def by_day(record: Mapping[str, Any]) -> bool:
            day = parse_date(record.get(field))
            return day is not None and compare(day, value)

        return by_day

    limit = Decimal(str(value))

    def by_amount(record: Mapping[str, Any]) -> bool:
        amount = decimal_or_none(record.get(field))
        return amount is not None and compare(amount, limit)

    return by_amount


def _sorted(records: list[Record], order: str) -> list[Record]:
    field = order.lstrip("-")
    present = [r for r in records if r.get(field) is not None]
    absent = [r for r in records if r.get(field) is None]

    def key(record: Record) -> tuple[int, Any]:
        value = record[field]
        amount = decimal_or_none(value) if not isinstance(value, str) or value[:1].isdigit() else None
        day = parse_date(value) if isinstance(value, str) else None
        if day is not None and len(str(value)) >= 10 and str(value)[4] == "-":
            return (0, day.isoformat())
        if amount is not None:
            return (1, amount)
        return (2, str(value).casefold())

    return sorted(present, key=key, reverse=order.startswith("-")) + absent
