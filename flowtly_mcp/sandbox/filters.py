"""Collection filters with API Platform's semantics: search, date, range, order and exists.

Filters apply to the records as clients see them (derived fields included), so `status=overdue` or
`amount[gt]=1000` work on invoices. Invalid values are ignored, never an error, as upstream.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flowtly_mcp.sandbox.iris import split_iri
from flowtly_mcp.sandbox.query import Query
from flowtly_mcp.sandbox.schema import Field, Kind, Resource
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.validation import parse_datetime

Predicate = Callable[[Record], bool]

_DATE_OPERATORS: dict[str, Callable[[datetime, datetime], bool]] = {
    "after": lambda value, bound: value >= bound,
    "strictly_after": lambda value, bound: value > bound,
    "before": lambda value, bound: value <= bound,
    "strictly_before": lambda value, bound: value < bound,
}
_RANGE_OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "gt": lambda value, bound: value > bound,
    "gte": lambda value, bound: value >= bound,
    "lt": lambda value, bound: value < bound,
    "lte": lambda value, bound: value <= bound,
}


def apply(resource: Resource, views: list[Record], query: Query) -> list[Record]:
    predicates = _predicates(resource, query)
    selected = [view for view in views if all(predicate(view) for predicate in predicates)]
    return _order(resource, selected, query)


def _predicates(resource: Resource, query: Query) -> list[Predicate]:
    found: list[Predicate] = []
    filters = resource.filters
    for name in ("id", *filters.exact):
        if name in query:
            predicate = _exact(resource, name, query[name])
            if predicate is not None:
                found.append(predicate)
    for name in filters.partial:
        if name in query:
            predicate = _partial(name, query[name])
            if predicate is not None:
                found.append(predicate)
    for name in filters.dates:
        found += _dates(name, query.get(name))
    for name in filters.ranges:
        found += _ranges(name, query.get(name))
    exists = query.get("exists")
    if isinstance(exists, dict):
        for name, raw in exists.items():
            if name in filters.exists and isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0"):
                found.append(_exists(name, raw.lower() in ("true", "1")))
    return found


def _exists(name: str, wanted: bool) -> Predicate:
    def predicate(view: Record) -> bool:
        return _present(view.get(name)) == wanted

    return predicate


def _values(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [value for value in raw if isinstance(value, str)]
    return []


def _exact(resource: Resource, name: str, raw: Any) -> Predicate | None:
    values = _values(raw)
    if not values:
        return None
    field = resource.field(name)
    if field is not None and field.kind is Kind.IRI:
        wanted = {_as_iri(field, value) for value in values}
        return lambda view: view.get(name) in wanted
    wanted_text = {_canonical_text(field, value) for value in values}
    return lambda view: _canonical_text(field, view.get(name)) in wanted_text


def _as_iri(field: Field, value: str) -> str:
    parts = split_iri(value)
    if parts is not None:
        return f"/api/{parts[0]}/{parts[1]}"
    return f"/api/{field.target}/{value}"


def _canonical_text(field: Field | None, value: Any) -> str | None:
    if value is None:
        return None
    if field is not None and field.kind in (Kind.BOOL, Kind.FLAG):
        if isinstance(value, bool | int):
            return "1" if value else "0"
        return {"true": "1", "false": "0", "1": "1", "0": "0"}.get(str(value).lower(), str(value))
    if field is not None and field.kind in (Kind.NUMBER, Kind.DECIMAL_STRING, Kind.INT, Kind.MINOR_UNITS):
        number = _decimal(value)
        return None if number is None else str(number.normalize())
    return str(value)


def _partial(name: str, raw: Any) -> Predicate | None:
    needles = [value.casefold() for value in _values(raw)]
    if not needles:
        return None
    return lambda view: isinstance(view.get(name), str) and any(n in view[name].casefold() for n in needles)


def _dates(name: str, raw: Any) -> list[Predicate]:
    if not isinstance(raw, dict):
        return []
    found: list[Predicate] = []
    for operator, text in raw.items():
        compare = _DATE_OPERATORS.get(operator)
        bound = parse_datetime(text) if isinstance(text, str) else None
        if compare is None or bound is None:
            continue
        found.append(_date_predicate(name, compare, bound))
    return found


def _date_predicate(name: str, compare: Callable[[datetime, datetime], bool], bound: datetime) -> Predicate:
    def predicate(view: Record) -> bool:
        value = view.get(name)
        moment = parse_datetime(value) if isinstance(value, str) else None
        return moment is not None and compare(moment, bound)

    return predicate


def _ranges(name: str, raw: Any) -> list[Predicate]:
    if not isinstance(raw, dict):
        return []
    found: list[Predicate] = []
    for operator, text in raw.items():
        if not isinstance(text, str):
            continue
        if operator == "between":
            low_text, separator, high_text = text.partition("..")
            low, high = _decimal(low_text), _decimal(high_text)
            if separator and low is not None and high is not None:
                found += [_number_predicate(name, _RANGE_OPERATORS["gte"], low)]
                found += [_number_predicate(name, _RANGE_OPERATORS["lte"], high)]
            continue
        compare = _RANGE_OPERATORS.get(operator)
        bound = _decimal(text)
        if compare is not None and bound is not None:
            found.append(_number_predicate(name, compare, bound))
    return found


def _number_predicate(name: str, compare: Callable[[Decimal, Decimal], bool], bound: Decimal) -> Predicate:
    def predicate(view: Record) -> bool:
        number = _decimal(view.get(name))
        return number is not None and compare(number, bound)

    return predicate


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def _order(resource: Resource, views: list[Record], query: Query) -> list[Record]:
    order = query.get("order")
    if not isinstance(order, dict):
        return views
    keys: list[tuple[str, bool]] = []
    for name, direction in order.items():
        if name in resource.filters.order and isinstance(direction, str) and direction.lower() in ("asc", "desc"):
            keys.append((name, direction.lower() == "desc"))
    ordered = list(views)
    # Stable sorts applied from the last key to the first give a multi-key order; nulls sort first ascending.
    for name, descending in reversed(keys):
        ordered.sort(key=_sort_by(resource.field(name), name), reverse=descending)
    return ordered


def _sort_by(field: Field | None, name: str) -> Callable[[Record], tuple[int, Any]]:
    def key(view: Record) -> tuple[int, Any]:
        return _sort_key(field, view.get(name))

    return key


def _sort_key(field: Field | None, value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if field is None or field.kind in (Kind.INT, Kind.NUMBER, Kind.DECIMAL_STRING, Kind.MINOR_UNITS):
        number = _decimal(value)
        if number is not None:
            return (1, number)
    if field is not None and field.kind is Kind.DATETIME and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return (1, moment.timestamp())
    return (2, str(value).casefold())
