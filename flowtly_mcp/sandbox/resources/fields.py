"""Short constructors for field declarations, so each catalog entry reads like the schema table it mirrors."""

from __future__ import annotations

from flowtly_mcp.sandbox.schema import Check, Field, Kind


def text(name: str, *, required: bool = False, check: Check | None = None, writable: bool = True) -> Field:
    return Field(name, Kind.STRING, required=required, check=check, writable=writable)


def choice(name: str, *choices: str, required: bool = False, writable: bool = True) -> Field:
    return Field(name, Kind.STRING, required=required, choices=choices, writable=writable)


# PHP integers are 64-bit; the sandbox keeps them within what JSON clients read exactly (2^53).
INT_LIMIT = 2**53


def integer(
    name: str, *, required: bool = False, writable: bool = True, bounds: tuple[int, int] = (-INT_LIMIT, INT_LIMIT)
) -> Field:
    return Field(name, Kind.INT, required=required, writable=writable, bounds=bounds)


def number(name: str, *, required: bool = False, writable: bool = True) -> Field:
    return Field(name, Kind.NUMBER, required=required, writable=writable)


def money_string(name: str, *, required: bool = False, writable: bool = True) -> Field:
    return Field(name, Kind.DECIMAL_STRING, required=required, writable=writable)


def minor_units(name: str, *, required: bool = False) -> Field:
    return Field(name, Kind.MINOR_UNITS, required=required, bounds=(-INT_LIMIT, INT_LIMIT))


def boolean(name: str) -> Field:
    return Field(name, Kind.BOOL, nullable=False)


def flag(name: str) -> Field:
    return Field(name, Kind.FLAG, nullable=False)


def moment(name: str, *, required: bool = False, writable: bool = True) -> Field:
    return Field(name, Kind.DATETIME, required=required, writable=writable)


def ref(name: str, target: str, *, required: bool = False, writable: bool = True) -> Field:
    return Field(name, Kind.IRI, required=required, target=target, writable=writable)


def refs(name: str, target: str, *, writable: bool = False) -> Field:
    return Field(name, Kind.IRI_LIST, target=target, writable=writable, nullable=False)


def strings(name: str, *choices: str, check: Check | None = None) -> Field:
    return Field(name, Kind.STRING_LIST, choices=choices, check=check, nullable=False)


def blob(name: str, *, writable: bool = True) -> Field:
    return Field(name, Kind.OBJECT, writable=writable)
