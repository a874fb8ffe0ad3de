"""The JSON type each money-like field takes on the wire, per resource family, and the body conversion that uses it.

Flowtly is not uniform: invoice amounts are JSON numbers, invoice row prices are decimal strings, budget amounts
are integers in minor units (grosze, cents). Callers pass `Decimal` (or int) everywhere; `prepare_body` turns each
field into what its family expects and refuses what cannot be sent faithfully, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from .jsoncodec import decimal_digits


class Wire(Enum):
    DECIMAL_STRING = "a decimal string"
    TEXT = "a string"
    MINOR_UNITS = "an integer amount in minor units"
    INTEGER = "an integer"


_MINOR_UNIT_AMOUNT = {"amount": Wire.MINOR_UNITS}

WIRE_TYPES: dict[str, dict[str, Wire]] = {
    "invoice-rows": {"netPrice": Wire.DECIMAL_STRING, "netDiscountAmount": Wire.DECIMAL_STRING, "vatRate": Wire.TEXT},
    "clients": {"defaultTaxRate": Wire.TEXT, "dueDays": Wire.INTEGER},
    "client-contacts": {"position": Wire.INTEGER},
    "payment-methods": {"ccExpMonth": Wire.INTEGER, "ccExpYear": Wire.INTEGER},
    "transactions": {"statementNumber": Wire.INTEGER},
    "budgets": _MINOR_UNIT_AMOUNT,
    "budget-transactions": _MINOR_UNIT_AMOUNT,
    "budget-employees": _MINOR_UNIT_AMOUNT,
    "budget-contractors": _MINOR_UNIT_AMOUNT,
    "budget-projects": _MINOR_UNIT_AMOUNT,
    "budget-invoices": _MINOR_UNIT_AMOUNT,
}

# Records embedded in another family's body are converted by their own family's rules.
EMBEDDED: dict[str, dict[str, str]] = {
    "invoices": {"invoiceRows": "invoice-rows", "invoiceTransactions": "invoice-transactions"},
    "invoice-rows": {"invoiceChildrenRows": "invoice-rows"},
    "budgets": {"budgetEmployees": "budget-employees", "budgetProjects": "budget-projects"},
    "transactions": {"budgetTransactions": "budget-transactions", "projectTransactions": "project-transactions"},
}


def prepare_body(body: Any, family: str | None) -> Any:
    """A copy of `body` with every typed field of `family` in its wire form; ValueError names a bad field."""
    if family is None or not isinstance(body, Mapping):
        return body
    return _convert_record(body, family, "")


def _convert_record(record: Mapping[str, Any], family: str, where: str) -> dict[str, Any]:
    types = WIRE_TYPES.get(family, {})
    embedded = EMBEDDED.get(family, {})
    converted: dict[str, Any] = {}
    for key, value in record.items():
        field = f"{where}.{key}" if where else str(key)
        if key in types and value is not None:
            converted[key] = _to_wire(value, types[key], field)
        elif key in embedded and isinstance(value, list | tuple):
            converted[key] = [
                _convert_record(item, embedded[key], f"{field}[{index}]") if isinstance(item, Mapping) else item
                for index, item in enumerate(value)
            ]
        else:
            converted[key] = value
    return converted


def _to_wire(value: Any, wire: Wire, field: str) -> str | int:
    if wire is Wire.TEXT:
        return decimal_digits(value) if isinstance(value, Decimal) else _plain_text(value, field)
    number = _as_decimal(value, wire, field)
    if wire is Wire.DECIMAL_STRING:
        return decimal_digits(number)
    if number != number.to_integral_value():
        unit = " (grosze/cents, not the major unit)" if wire is Wire.MINOR_UNITS else ""
        raise ValueError(f"{field} must be {wire.value}{unit}; {decimal_digits(number)} has a fraction")
    return int(number)


def _plain_text(value: Any, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{field} must be a string, got {type(value).__name__}")
    return str(value)


def _as_decimal(value: Any, wire: Wire, field: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{field} must be {wire.value}, got a boolean")
    if isinstance(value, float):
        # A float has already lost the exact amount; refusing it keeps money Decimal end to end.
        raise ValueError(f"{field} must be {wire.value}; pass a Decimal or an int, not the float {value!r}")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{field} must be {wire.value}, got {value!r}") from None
    else:
        raise ValueError(f"{field} must be {wire.value}, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{field} must be {wire.value}, got {value!r}")
    return number
