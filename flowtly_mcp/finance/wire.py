"""Tolerant readers for single fields of Flowtly API records (JSON-LD or plain JSON).

They accept every shape the API is known or likely to use for a field (ids as integers, strings or IRIs;
relations as IRIs or embedded objects; dates as ISO dates or date-times; amounts as numbers or strings) and
raise a ValueError that names the record and the field when a required value cannot be used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .money import parse_amount

Record = Mapping[str, Any]


class FieldReader:
    """Reads fields of one record, naming the record (``invoice 12``) in every error it raises."""

    def __init__(self, data: Record, kind: str) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"{kind}: expected a JSON object, got {type(data).__name__}")
        self.data = data
        self.kind = kind
        self.label = f"{kind} {record_id(data) or '(no id)'}"

    def error(self, field: str, problem: str) -> ValueError:
        return ValueError(f"{self.label}: field {field!r} {problem}")

    def first(self, *fields: str) -> tuple[str, Any]:
        """The first of ``fields`` that holds a value (not None, not an empty string), with its name."""
        for field in fields:
            value = self.data.get(field)
            if value is not None and value != "":
                return field, value
        return fields[0], None

    def text(self, *fields: str) -> str | None:
        _, value = self.first(*fields)
        if value is None:
            return None
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value).strip() or None
        return None

    def required_id(self) -> str:
        identifier = record_id(self.data)
        if identifier is None:
            raise ValueError(f"{self.kind}: neither 'id' nor '@id' holds an identifier")
        return identifier

    def amount(self, *fields: str) -> Decimal | None:
        field, value = self.first(*fields)
        if value is None:
            return None
        try:
            return parse_amount(value)
        except ValueError:
            raise self.error(field, f"is not an amount: {value!r}") from None

    def required_amount(self, *fields: str) -> Decimal:
        value = self.amount(*fields)
        if value is None:
            raise self.error(fields[0], "is missing")
        return value

    def day(self, *fields: str) -> date | None:
        field, value = self.first(*fields)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise self.error(field, f"is not an ISO date: {value!r}")
        return parsed

    def required_day(self, *fields: str) -> date:
        value = self.day(*fields)
        if value is None:
            raise self.error(" / ".join(fields), "is missing")
        return value

    def relation(self, *fields: str) -> str | None:
        _, value = self.first(*fields)
        return iri_id(value)

    def integer(self, *fields: str) -> int | None:
        field, value = self.first(*fields)
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise self.error(field, f"is not an integer: {value!r}") from None


def record_id(data: Record) -> str | None:
    """A record's id: its ``id`` field, else the last segment of its ``@id`` IRI."""
    value = data.get("id")
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return iri_id(data.get("@id"))


def iri_id(value: object) -> str | None:
    """The id a relation points at, whether given as an IRI, a URL, a bare id or an embedded object."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        return record_id(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        path = value.split("?", 1)[0].split("#", 1)[0].rstrip("/")
        segment = path.rsplit("/", 1)[-1].strip()
        return segment or None
    return None


def parse_date(value: object) -> date | None:
    """An ISO date or date-time (with or without offset) as the calendar date it names; None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def embedded(value: object) -> Record | None:
    """The value when it is an embedded object, None when it is an IRI, null or anything else."""
    return value if isinstance(value, Mapping) else None


def collection_members(body: object) -> list[Record]:
    """The records of a Hydra collection (prefixed ``hydra:member`` or plain ``member``) or of a plain list."""
    if isinstance(body, list):
        items: object = body
    elif isinstance(body, Mapping):
        items = body.get("hydra:member", body.get("member", []))
    else:
        items = []
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, Mapping)]
