"""List filters: each field names the API Platform query parameter it becomes (`Q`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from flowtly_mcp.models.common import (
    BudgetRef,
    ClientRef,
    CounterpartyRef,
    InputModel,
    InvoiceRef,
    Money,
    TransactionRef,
)


@dataclass(frozen=True)
class Q:
    """The query parameter a filter field becomes; `sort` fields become `order[field]=asc|desc`."""

    key: str
    sort: bool = False


InvoiceStatus = Literal["draft", "issued", "sent", "partially_paid", "paid", "overdue"]


class InvoiceFilters(InputModel):
    status: Annotated[list[InvoiceStatus] | None, Q("status[]")] = None
    client: Annotated[ClientRef | None, Q("client")] = None
    number: Annotated[str | None, Q("name")] = Field(default=None, max_length=64, description="Number contains")
    currency: Annotated[str | None, Q("currency")] = Field(default=None, pattern=r"^[A-Z]{3}$")
    type: Annotated[Literal["VAT", "KOR"] | None, Q("type")] = None
    issued_from: Annotated[dt.date | None, Q("issueDate[after]")] = None
    issued_to: Annotated[dt.date | None, Q("issueDate[before]")] = None
    due_from: Annotated[dt.date | None, Q("dueDate[after]")] = None
    due_to: Annotated[dt.date | None, Q("dueDate[before]")] = None
    gross_min: Annotated[Money | None, Q("amount[gte]")] = None
    gross_max: Annotated[Money | None, Q("amount[lte]")] = None
    sent_to_ksef: Annotated[bool | None, Q("exists[eInvoicing]")] = None
    sort: Annotated[
        Literal["issueDate", "-issueDate", "dueDate", "-dueDate", "amount", "-amount", "name", "-name"] | None,
        Q("order", sort=True),
    ] = Field(default=None, description="Field to sort by; leading - for descending")


class InvoiceRowFilters(InputModel):
    invoice: Annotated[InvoiceRef | None, Q("invoice")] = None
    product: Annotated[str | None, Q("productName")] = Field(default=None, max_length=100)
    vat_rate: Annotated[str | None, Q("vatRate")] = None


class InvoiceTransactionFilters(InputModel):
    invoice: Annotated[InvoiceRef | None, Q("invoice")] = None
    transaction: Annotated[TransactionRef | None, Q("transaction")] = None
    date_from: Annotated[dt.date | None, Q("date[after]")] = None
    date_to: Annotated[dt.date | None, Q("date[before]")] = None


class ClientFilters(InputModel):
    name: Annotated[str | None, Q("name")] = Field(default=None, max_length=100, description="Name contains")
    tin: Annotated[str | None, Q("tin")] = Field(default=None, max_length=32, description="NIP / VAT number")
    status: Annotated[Literal["active", "inactive"] | None, Q("status")] = None
    country: Annotated[str | None, Q("country")] = Field(default=None, pattern=r"^[A-Z]{2}$")
    sort: Annotated[Literal["name", "-name", "id", "-id"] | None, Q("order", sort=True)] = None


class ClientChildFilters(InputModel):
    client: Annotated[ClientRef | None, Q("client")] = None


class CounterpartyFilters(InputModel):
    name: Annotated[str | None, Q("displayName")] = Field(default=None, max_length=100, description="Name contains")
    tin: Annotated[str | None, Q("tin")] = Field(default=None, max_length=32)
    sort: Annotated[Literal["displayName", "-displayName", "id", "-id"] | None, Q("order", sort=True)] = None


class TransactionFilters(InputModel):
    counterparty: Annotated[CounterpartyRef | None, Q("counterparty")] = None
    title: Annotated[str | None, Q("description")] = Field(default=None, max_length=100, description="Title contains")
    currency: Annotated[str | None, Q("currency")] = Field(default=None, pattern=r"^[A-Z]{3}$")
    date_from: Annotated[dt.date | None, Q("execDate[after]")] = None
    date_to: Annotated[dt.date | None, Q("execDate[before]")] = None
    amount_min: Annotated[Money | None, Q("amount[gte]")] = None
    amount_max: Annotated[Money | None, Q("amount[lte]")] = None
    sort: Annotated[Literal["execDate", "-execDate", "amount", "-amount"] | None, Q("order", sort=True)] = None


class TransactionChildFilters(InputModel):
    transaction: Annotated[TransactionRef | None, Q("transaction")] = None


class BudgetFilters(InputModel):
    name: Annotated[str | None, Q("name")] = Field(default=None, max_length=100)
    type: Annotated[Literal["global", "employee"] | None, Q("type")] = None
    active_on: Annotated[dt.date | None, Q("dateTo[after]")] = Field(default=None, description="Still valid on")


class BudgetChildFilters(InputModel):
    budget: Annotated[BudgetRef | None, Q("budget")] = None


class NoFilters(InputModel):
    pass
