"""Inputs for bank transactions, income and project transactions, and transaction attachments."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from flowtly_mcp.models.common import (
    ClientRef,
    CounterpartyRef,
    EmployeeRef,
    InputModel,
    Money,
    ProjectRef,
    TransactionRef,
)


class TransactionCreate(InputModel):
    bankAccount: str = Field(min_length=8, max_length=40, description="Our account IBAN")
    amount: Money = Field(description="Positive = money in, negative = money out")
    currency: str = Field(default="PLN", pattern=r"^[A-Z]{3}$")
    description: str = Field(min_length=1, max_length=1000, description="Transfer title")
    execDate: dt.date = Field(description="Booking date")
    orderDate: dt.date | None = None
    counterparty: CounterpartyRef | None = None
    counterpartyName: str | None = Field(default=None, max_length=255)
    counterpartyAccount: str | None = Field(default=None, max_length=40, description="Sender/recipient IBAN")
    note: str | None = Field(default=None, max_length=2000)


class TransactionUpdate(InputModel):
    counterparty: CounterpartyRef | None = None
    note: str | None = Field(default=None, max_length=2000)
    ignored: int | None = Field(default=None, ge=0, le=1, description="1 hides the line from matching")
    employeeOwner: EmployeeRef | None = None
    connectedMonth: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


class IncomeTransactionCreate(InputModel):
    transaction: TransactionRef
    client: ClientRef | None = None
    amount: Money
    date: dt.date
    category: str | None = Field(default=None, max_length=100)


class IncomeTransactionUpdate(InputModel):
    client: ClientRef | None = None
    amount: Money | None = None
    date: dt.date | None = None
    category: str | None = Field(default=None, max_length=100)


class ProjectTransactionCreate(InputModel):
    transaction: TransactionRef
    project: ProjectRef
    amount: Money | None = None
    share: Money | None = Field(default=None, gt=0, le=100, description="Percent of the transaction")


class ProjectTransactionUpdate(InputModel):
    project: ProjectRef | None = None
    amount: Money | None = None
    share: Money | None = Field(default=None, gt=0, le=100)


class TransactionAttachmentCreate(InputModel):
    transaction: TransactionRef | None = Field(default=None, description="Transaction to attach to")
    fileName: str = Field(min_length=1, max_length=255)
    mimeType: str = Field(default="application/pdf", max_length=100)
    documentNumber: str | None = Field(default=None, max_length=100)
    supplierName: str | None = Field(default=None, max_length=255)
    supplierTin: str | None = Field(default=None, max_length=32)
    amount: Money | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    issueDate: dt.date | None = None


class TransactionAttachmentUpdate(InputModel):
    transaction: TransactionRef | None = None
    documentNumber: str | None = Field(default=None, max_length=100)
    supplierName: str | None = Field(default=None, max_length=255)
    supplierTin: str | None = Field(default=None, max_length=32)
    amount: Money | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    issueDate: dt.date | None = None
