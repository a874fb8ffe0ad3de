"""Arguments and answers of the receivables tools: aging, overdue invoices, client statement, top debtors."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from flowtly_mcp.models.common import ClientRef, InputModel
from flowtly_mcp.tools.kernel.shapes import Amount, Rows, range_end

AS_OF = "Default: today"


class AgingInput(InputModel):
    as_of: dt.date | None = Field(default=None, description=AS_OF)
    group_by: Literal["client", "currency"] = "client"
    pln_equivalent: bool = Field(default=False, description="Add a PLN total at invoice rates")


class OverdueInput(InputModel):
    min_days: int = Field(default=1, ge=1, description="Days past due, at least")
    client: ClientRef | None = None
    as_of: dt.date | None = Field(default=None, description=AS_OF)
    limit: int = Field(default=50, ge=1, le=500)


class StatementInput(InputModel):
    client: ClientRef
    date_from: dt.date
    date_to: dt.date

    @field_validator("date_to")
    @classmethod
    def _range(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        return range_end(info.data.get("date_from"), value)


class TopDebtorsInput(InputModel):
    n: int = Field(default=10, ge=1, le=100, description="Clients per currency")
    as_of: dt.date | None = Field(default=None, description=AS_OF)


class AgingLineOut(BaseModel):
    group: str = Field(description="Client id, or the currency")
    name: str | None = None
    currency: str
    buckets: dict[str, Amount] = Field(description="Open amount per days-past-due bucket")
    total: Amount
    invoices: int
    credits: Amount = Field(description="Over-payments and corrections (negative), outside the buckets")


class EquivalentOut(BaseModel):
    currency: str
    buckets: dict[str, Amount]
    total: Amount
    missing_rate: list[str] = Field(description="Invoices left out: no conversion rate")


class AgingOut(BaseModel):
    as_of: dt.date
    lines: Rows
    totals: Rows
    pln_equivalent: dict[str, Any] | None = None
    warnings: list[str] = []


class OverdueItemOut(BaseModel):
    invoice: str
    number: str | None
    client: str | None
    client_name: str | None
    currency: str
    open: Amount
    due: dt.date | None
    days: int


class OverdueOut(BaseModel):
    as_of: dt.date
    items: Rows
    count: int
    totals: dict[str, Amount]
    warnings: list[str] = []


class StatementLineOut(BaseModel):
    date: dt.date
    kind: Literal["invoice", "payment"]
    invoice: str
    ref: str
    debit: Amount
    credit: Amount
    balance: Amount


class CurrencyStatementOut(BaseModel):
    currency: str
    opening: Amount
    lines: list[StatementLineOut]
    debit: Amount
    credit: Amount
    closing: Amount


class StatementOut(BaseModel):
    client: str
    name: str | None
    date_from: dt.date
    date_to: dt.date
    currencies: Rows
    undated_payments: int = 0
    warnings: list[str] = []


class DebtorOut(BaseModel):
    client: str
    name: str | None
    open: Amount
    overdue: Amount
    invoices: int
    oldest_days: int = Field(description="Days past due of the oldest overdue invoice")


class CurrencyDebtorsOut(BaseModel):
    currency: str
    debtors: list[DebtorOut]


class TopDebtorsOut(BaseModel):
    as_of: dt.date
    currencies: Rows
    warnings: list[str] = []
