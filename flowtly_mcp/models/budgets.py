"""Inputs for budgets, budget groups and the allocations under a budget (amounts in minor units)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from flowtly_mcp.models.common import (
    BudgetGroupRef,
    BudgetRef,
    CounterpartyRef,
    EmployeeRef,
    InputModel,
    InvoiceRef,
    MinorUnits,
    ProjectRef,
    TransactionRef,
)

BudgetFlag = Literal["spend_alerts", "auto-freeze"]


class BudgetCreate(InputModel):
    name: str = Field(min_length=1, max_length=255)
    type: Literal["global", "employee"] = "global"
    granularity: Literal["month", "quarter"] = "month"
    dateFrom: dt.date | None = None
    dateTo: dt.date | None = None
    budgetGroup: BudgetGroupRef | None = None
    config: list[BudgetFlag] | None = None
    amount: MinorUnits | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


class BudgetUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    granularity: Literal["month", "quarter"] | None = None
    dateFrom: dt.date | None = None
    dateTo: dt.date | None = None
    budgetGroup: BudgetGroupRef | None = None
    config: list[BudgetFlag] | None = Field(default=None, description="Replaces the list")
    amount: MinorUnits | None = None


class BudgetGroupCreate(InputModel):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=1000)


class BudgetGroupUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=1000)


class BudgetEmployeeCreate(InputModel):
    budget: BudgetRef
    employee: EmployeeRef
    amount: MinorUnits | None = None


class BudgetContractorCreate(InputModel):
    budget: BudgetRef
    counterparty: CounterpartyRef
    amount: MinorUnits | None = None


class BudgetProjectCreate(InputModel):
    budget: BudgetRef
    project: ProjectRef
    amount: MinorUnits | None = None


class BudgetInvoiceCreate(InputModel):
    budget: BudgetRef
    invoice: InvoiceRef
    amount: MinorUnits | None = None


class BudgetTransactionCreate(InputModel):
    budget: BudgetRef
    transaction: TransactionRef
    employee: EmployeeRef | None = None
    amount: MinorUnits | None = None


class BudgetTransactionUpdate(InputModel):
    budget: BudgetRef | None = None
    employee: EmployeeRef | None = None
    amount: MinorUnits | None = None
