"""How a resource family looks on the wire: its fields, their kinds and rules, and its collection filters.

The catalog in `resources/` declares every family with these types; validation, rendering, filtering and the
OpenAPI document are all derived from the same declarations, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    STRING = "string"
    INT = "int"
    NUMBER = "number"  # a JSON number, kept as Decimal (invoice amounts, quantities)
    DECIMAL_STRING = "decimal-string"  # money written as a string ("100.00"), as API Platform maps DECIMAL columns
    MINOR_UNITS = "minor-units"  # an integer amount in grosze / cents
    BOOL = "bool"
    DATETIME = "datetime"
    IRI = "iri"
    IRI_LIST = "iri-list"
    STRING_LIST = "string-list"
    OBJECT = "object"  # free JSON (objects or arrays)
    FLAG = "flag"  # 0|1 stored as an integer (transaction.ignored)


class Check(Enum):
    NIP = "nip"
    IBAN = "iban"
    COUNTRY = "country"
    CURRENCY = "currency"
    EMAIL = "email"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    writable: bool = True
    nullable: bool = True
    choices: tuple[str, ...] = ()
    target: str | None = None  # the family an IRI points into
    check: Check | None = None
    description: str = ""
    bounds: tuple[int, int] | None = None  # inclusive range for integer fields


@dataclass(frozen=True)
class Filters:
    """The collection filters a family publishes (API Platform filter classes, by strategy)."""

    exact: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    ranges: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    exists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    family: str
    entity: str
    fields: tuple[Field, ...]
    filters: Filters = field(default_factory=Filters)
    id_prefix: str | None = None  # None: integer ids
    description: str = ""

    @property
    def integer_ids(self) -> bool:
        return self.id_prefix is None

    def field(self, name: str) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    def iri(self, record_id: object) -> str:
        return f"/api/{self.family}/{record_id}"

    @property
    def collection_iri(self) -> str:
        return f"/api/{self.family}"
