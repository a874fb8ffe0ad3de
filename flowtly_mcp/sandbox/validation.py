"""Turning a request body into a record: type checks, IRIs, required fields, choices and checksums.

The order follows API Platform: the body is denormalized first (IRI problems answer 400 at once, type mismatches
are collected), then the resulting object is validated as a whole (422 listing every violation).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flowtly_mcp.sandbox import errors
from flowtly_mcp.sandbox.checksums import compact_iban, is_valid_iban, is_valid_nip, looks_like_nip
from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation
from flowtly_mcp.sandbox.iris import resolve
from flowtly_mcp.sandbox.schema import Check, Field, Kind, Resource
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

_TYPE_NAMES = {
    Kind.STRING: "string",
    Kind.INT: "int",
    Kind.NUMBER: "float",
    Kind.DECIMAL_STRING: "string",
    Kind.MINOR_UNITS: "int",
    Kind.BOOL: "bool",
    Kind.DATETIME: "string",
    Kind.IRI: "string",
    Kind.IRI_LIST: "array",
    Kind.STRING_LIST: "array",
    Kind.OBJECT: "array",
    Kind.FLAG: "int",
}
_DECIMAL_TEXT = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCIES = frozenset(
    ("PLN", "EUR", "USD", "GBP", "CHF", "CZK", "SEK", "NOK", "DKK", "HUF", "RON", "BGN", "JPY")
    + ("CNY", "CAD", "AUD", "UAH", "TRY", "ILS", "INR", "BRL", "MXN", "ZAR", "SGD", "HKD")
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_MAX_TEXT = 10_000


def body_object(payload: Any) -> dict[str, Any]:
    """A write body must be a JSON object; anything else is misformatted input."""
    if not isinstance(payload, dict):
        raise ApiError(400, "The input data is misformatted.")
    return payload


def denormalize(world: World, resource: Resource, body: dict[str, Any]) -> dict[str, Any]:
    """The writable fields of `body`, converted to stored values. Unknown and read-only keys are ignored."""
    changes: dict[str, Any] = {}
    type_errors: list[Violation] = []
    for key, value in body.items():
        field = resource.field(key)
        if field is None or not field.writable:
            continue
        if value is None:
            changes[key] = None
            continue
        converted = _convert(world, field, value)
        if converted is _WRONG_TYPE:
            type_errors.append(
                Violation(key, f"This value should be of type {_TYPE_NAMES[field.kind]}.", errors.WRONG_TYPE)
            )
        else:
            changes[key] = converted
    if type_errors:
        raise ValidationFailed(type_errors)
    return changes


class _Wrong:
    pass


_WRONG_TYPE: Any = _Wrong()


def _convert(world: World, field: Field, value: Any) -> Any:
    kind = field.kind
    if kind in (Kind.STRING, Kind.DATETIME):
        return value if isinstance(value, str) else _WRONG_TYPE
    if kind in (Kind.INT, Kind.MINOR_UNITS):
        return value if isinstance(value, int) and not isinstance(value, bool) else _WRONG_TYPE
    if kind is Kind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return _WRONG_TYPE
        return Decimal(value)
    if kind is Kind.DECIMAL_STRING:
        return value if isinstance(value, str) else _WRONG_TYPE
    if kind is Kind.BOOL:
        return value if isinstance(value, bool) else _WRONG_TYPE
    if kind is Kind.FLAG:
        if isinstance(value, bool):
            return int(value)
        return value if isinstance(value, int) and value in (0, 1) else _WRONG_TYPE
    if kind is Kind.IRI:
        return _relation(world, field, value)
    if kind is Kind.IRI_LIST:
        if not isinstance(value, list):
            return _WRONG_TYPE
        return [_relation(world, field, item) for item in value]
    if kind is Kind.STRING_LIST:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return _WRONG_TYPE
        return list(value)
    if kind is Kind.OBJECT:
        return value if isinstance(value, dict | list) else _WRONG_TYPE
    raise AssertionError(f"unhandled kind {kind}")


def _relation(world: World, field: Field, value: Any) -> Any:
    if isinstance(value, dict):
        raise ApiError(400, f'Nested documents for attribute "{field.name}" are not allowed. Use IRIs instead.')
    if not isinstance(value, str):
        return _WRONG_TYPE
    assert field.target is not None
    return resolve(world, value, field.target)


def validate(resource: Resource, record: Record, *, extra: list[Violation] | None = None) -> Record:
    """Check the whole record after the write is applied; raise 422 with every violation found."""
    found: list[Violation] = []
    for field in resource.fields:
        if not field.writable:
            continue
        value = record.get(field.name)
        if field.required and (value is None or value == "" or value == []):
            found.append(Violation(field.name, "This value should not be blank.", errors.NOT_BLANK))
            continue
        if value is None:
            if not field.nullable:
                found.append(Violation(field.name, "This value should not be null.", errors.NOT_NULL))
            continue
        problem = _constraint(field, value, record)
        if problem is not None:
            found.append(problem)
    found.extend(extra or [])
    if found:
        raise ValidationFailed(found)
    return record


def _constraint(field: Field, value: Any, record: Record) -> Violation | None:
    name = field.name
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return Violation(name, f"This value is too long. It should have {_MAX_TEXT} characters or less.")
    if field.choices:
        values = value if isinstance(value, list) else [value]
        if any(item not in field.choices for item in values):
            return Violation(name, "The value you selected is not a valid choice.", errors.NO_SUCH_CHOICE)
    if field.kind is Kind.DATETIME and parse_datetime(value) is None:
        return Violation(name, "This value is not a valid datetime.", errors.INVALID_DATETIME)
    if field.bounds is not None and isinstance(value, int) and not field.bounds[0] <= value <= field.bounds[1]:
        low, high = field.bounds
        return Violation(name, f"This value should be between {low} and {high}.", errors.OUT_OF_RANGE)
    if field.kind is Kind.DECIMAL_STRING and isinstance(value, str) and not _DECIMAL_TEXT.match(value):
        return Violation(name, "This value should be a valid number.", errors.INVALID_NUMBER)
    if field.kind is Kind.NUMBER and not _plausible_number(value):
        return Violation(name, "This value should be a valid number.", errors.INVALID_NUMBER)
    if field.check is None:
        return None
    return _check(field, value, record)


def _plausible_number(value: Any) -> bool:
    """A finite amount below 10^15; stored values may be ints (seed data), write bodies arrive as Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.is_finite() and abs(number) < Decimal("1e15")


def _check(field: Field, value: Any, record: Record) -> Violation | None:
    name = field.name
    if field.check is Check.NIP and value:
        declared_nip = name == "tin" and record.get("tinType") == "NIP"
        if (declared_nip or looks_like_nip(value)) and not is_valid_nip(value):
            return Violation(
                name, "This value is not a valid NIP (Polish tax identification number).", errors.NIP_INVALID
            )
    if field.check is Check.IBAN:
        values = value if isinstance(value, list) else [value]
        if any(not is_valid_iban(item) for item in values if item):
            return Violation(name, "This is not a valid International Bank Account Number (IBAN).", errors.IBAN_INVALID)
    if field.check is Check.COUNTRY and not _COUNTRY.match(value):
        return Violation(name, "This value is not a valid country.", errors.INVALID_COUNTRY)
    if field.check is Check.CURRENCY and value not in _CURRENCIES:
        return Violation(name, "This value is not a valid currency.", errors.INVALID_CURRENCY)
    if field.check is Check.EMAIL and not _EMAIL.match(value):
        return Violation(name, "This value is not a valid email address.", errors.INVALID_EMAIL)
    return None


def normalize(resource: Resource, record: Record) -> Record:
    """Canonical stored forms once a record is valid: UTC date-times, compact IBANs, Decimal money."""
    for field in resource.fields:
        value = record.get(field.name)
        if value is None:
            continue
        if field.kind is Kind.DATETIME and isinstance(value, str):
            parsed = parse_datetime(value)
            record[field.name] = parsed.isoformat() if parsed else value
        elif field.kind is Kind.DECIMAL_STRING and isinstance(value, str):
            record[field.name] = Decimal(value)
        elif field.check is Check.IBAN:
            record[field.name] = [compact_iban(v) for v in value] if isinstance(value, list) else compact_iban(value)
    return record


# Dates outside this window are refused: date arithmetic near year 1 or 9999 would overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def parse_datetime(value: str) -> datetime | None:
    """ISO 8601 date or date-time between 1900 and 2999; a value without an offset is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
