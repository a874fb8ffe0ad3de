"""Shared field types: references, money, dates, and the markers the tools read to build API bodies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator


@dataclass(frozen=True)
class RefTo:
    """Marks a field as a reference to a resource family: the body gets the IRI, the caller may pass id/IRI/URL."""

    family: str


def _as_text(value: Any) -> Any:
    # Models pass ids as numbers as often as strings; both mean the same reference.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# An IRI or URL is taken as well as an id (kernel/references.py), but records show ids, so that is what a caller
# passes: a field named after what it references needs no words.
_REF_SCHEMA = {"type": "string"}
RefText = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, max_length=500), WithJsonSchema(_REF_SCHEMA)]

ClientRef = Annotated[RefText, RefTo("clients")]
# An invoice may also be named by its number: tools resolve it through the API before they run (kernel/numbers.py).
_INVOICE_REF_SCHEMA = {"type": "string", "description": "id or invoice number"}
InvoiceRef = Annotated[
    str,
    BeforeValidator(_as_text),
    Field(min_length=1, max_length=500),
    WithJsonSchema(_INVOICE_REF_SCHEMA),
    RefTo("invoices"),
]
InvoiceRowRef = Annotated[RefText, RefTo("invoice-rows")]
TransactionRef = Annotated[RefText, RefTo("transactions")]
CounterpartyRef = Annotated[RefText, RefTo("counterparties")]
ProjectRef = Annotated[RefText, RefTo("projects")]
EmployeeRef = Annotated[RefText, RefTo("employees")]
BudgetRef = Annotated[RefText, RefTo("budgets")]
BudgetGroupRef = Annotated[RefText, RefTo("budget-groups")]
PaymentMethodRef = Annotated[RefText, RefTo("payment-methods")]
TransactionAttachmentRef = Annotated[RefText, RefTo("transaction-attachments")]
OrganizationRef = Annotated[RefText, RefTo("organizations")]
# Clients reference their currency as an IRI (/api/currencies/PLN); callers give the ISO code.
CurrencyRef = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. PLN"), RefTo("currencies")]


# The pattern is checked here; the list says `format: email`, which reads the same in a fraction of the tokens.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Email = Annotated[str, Field(pattern=EMAIL_PATTERN), WithJsonSchema({"type": "string", "format": "email"})]

_MONEY_SCHEMA = {"type": ["string", "number"]}
Money = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=18, decimal_places=4), WithJsonSchema(_MONEY_SCHEMA)]
MinorUnits = Annotated[int, Field(description="Minor units: 125000 = 1,250.00")]


# Dates outside these years are typing slips (0001-01-01, 9999-12-31): they would overflow date arithmetic and no
# Flowtly record carries them.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)


class InputModel(BaseModel):
    """Base of every tool input: unknown arguments are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="after")
    @classmethod
    def _plausible_dates(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not EARLIEST_DAY <= value <= LATEST_DAY:
            raise ValueError(
                f"{value.isoformat()} is out of range; give a date between {EARLIEST_DAY.isoformat()} "
                f"and {LATEST_DAY.isoformat()}"
            )
        return value


def _ref_family(annotation: Any) -> str | None:
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, RefTo):
                return meta.family
    for arg in get_args(annotation):
        if (family := _ref_family(arg)) is not None:
            return family
    return None


def ref_fields(model: type[BaseModel]) -> dict[str, str]:
    """Field name → referenced family, for every field holding references (alone, optional or in a list)."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        family = next((m.family for m in info.metadata if isinstance(m, RefTo)), None)
        family = family or _ref_family(info.annotation)
        if family is not None:
            out[name] = family
    return out
