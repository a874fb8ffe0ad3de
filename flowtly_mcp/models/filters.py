"""List filters: each field names the API Platform query parameter it becomes (`Q`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, field_validator

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
    """The query parameter a filter field becomes; `sort` fields become `order[field]=asc|desc`.

    `partial` says the filter matches text that contains the value (API Platform's partial strategy), which is how
    it is checked here when the API does not declare it.
    """

    key: str
    sort: bool = False
    partial: bool = False
    # Where to look instead, when the API does not declare the filter and its records cannot show it either.
    instead: str = ""


InvoiceStatus = Literal["draft", "issued", "sent", "partially_paid", "paid", "overdue"]


class InvoiceFilters(InputModel):
    status: Annotated[list[InvoiceStatus] | None, Q("status[]")] = None
    client: Annotated[ClientRef | None, Q("client")] = None
    number: Annotated[str | None, Q("name", partial=True)] = Field(
        default=None, max_length=64, description="Number contains"
    )
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
    ] = Field(default=None, description="Prefix - for descending")


class InvoiceRowFilters(InputModel):
    invoice: Annotated[InvoiceRef | None, Q("invoice", instead="get_invoice returns an invoice with its rows")] = None
    product: Annotated[str | None, Q("productName", partial=True)] = Field(default=None, max_length=100)
    vat_rate: Annotated[str | None, Q("vatRate")] = None


class InvoiceTransactionFilters(InputModel):
    invoice: Annotated[InvoiceRef | None, Q("invoice")] = None
    transaction: Annotated[TransactionRef | None, Q("transaction")] = None
    date_from: Annotated[dt.date | None, Q("date[after]")] = None
    date_to: Annotated[dt.date | None, Q("date[before]")] = None


class ClientFilters(InputModel):
    name: Annotated[str | None, Q("name", partial=True)] = Field(
        default=None, max_length=100, description="Name contains"
    )
    tin: Annotated[str | None, Q("tin")] = Field(default=None, max_length=32, description="NIP / VAT number")
    status: Annotated[Literal["active", "inactive"] | None, Q("status")] = None
    country: Annotated[str | None, Q("country")] = Field(default=None, pattern=r"^[A-Z]{2}$")
    sort: Annotated[Literal["name", "-name", "id", "-id"] | None, Q("order", sort=True)] = None


class ClientChildFilters(InputModel):
    client: Annotated[ClientRef | None, Q("client", instead="get_client returns a client with its contacts")] = None


class CounterpartyFilters(InputModel):
    name: Annotated[str | None, Q("displayName", partial=True)] = Field(
        default=None, max_length=100, description="Name contains"
    )
    tin: Annotated[str | None, Q("tin")] = Field(default=None, max_length=32)
    bank_account: Annotated[str | None, Q("bankAccounts")] = Field(
        default=None, max_length=40, description="Holds this bank account (IBAN)"
    )
    sort: Annotated[Literal["displayName", "-displayName", "id", "-id"] | None, Q("order", sort=True)] = None

    @field_validator("bank_account")
    @classmethod
    def _compact_iban(cls, value: str | None) -> str | None:
        # Stored accounts are compact (PL61109010140000071219812874); people type them with spaces.
        return "".join(value.split()).upper() if value else value


class TransactionFilters(InputModel):
    # `currency` is not in Flowtly's published Transaction: a server that serves and declares it filters by it;
    # elsewhere the tool refuses it rather than return every currency (tools/kernel/listing.py).
    counterparty: Annotated[CounterpartyRef | None, Q("counterparty")] = None
    title: Annotated[str | None, Q("description", partial=True)] = Field(
        default=None, max_length=100, description="Title contains"
    )
    currency: Annotated[str | None, Q("currency")] = Field(default=None, pattern=r"^[A-Z]{3}$")
    date_from: Annotated[dt.date | None, Q("execDate[after]")] = None
    date_to: Annotated[dt.date | None, Q("execDate[before]")] = None
    amount_min: Annotated[Money | None, Q("amount[gte]")] = None
    amount_max: Annotated[Money | None, Q("amount[lte]")] = None
    sort: Annotated[Literal["execDate", "-execDate", "amount", "-amount"] | None, Q("order", sort=True)] = None


class TransactionChildFilters(InputModel):
    transaction: Annotated[TransactionRef | None, Q("transaction")] = None


class BudgetFilters(InputModel):
    name: Annotated[str | None, Q("name", partial=True)] = Field(
        default=None, max_length=100, description="Name contains"
    )
    type: Annotated[Literal["global", "employee"] | None, Q("type")] = None
    active_on: Annotated[dt.date | None, Q("dateTo[after]")] = Field(default=None, description="Still valid on")


class BudgetChildFilters(InputModel):
    budget: Annotated[BudgetRef | None, Q("budget")] = None


class NoFilters(InputModel):
    pass
