"""Inputs for invoices, invoice rows and payments applied to invoices (invoice-transactions)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from flowtly_mcp.models.common import ClientRef, InputModel, InvoiceRef, Money, ProjectRef, TransactionRef

VatRate = Literal["23", "8", "5", "0", "zw", "np", "oo"]
InvoiceType = Literal["VAT", "KOR"]
PaymentMethod = Literal["transfer", "card", "cash"]
TinType = Literal["NIP", "VAT", "NONE"]


class InvoiceRowFields(InputModel):
    productName: str = Field(min_length=1, max_length=512)
    quantity: Money = Field(gt=0, description="Quantity")
    unit: str = Field(min_length=1, max_length=20, description="Unit, e.g. szt., h, usł.")
    netPrice: Money = Field(ge=0, description="Per unit")
    vatRate: VatRate = Field(description="zw: exempt")
    netDiscountAmount: Money | None = Field(default=None, ge=0, description="For the whole row")
    classificationNumber: str | None = Field(default=None, max_length=50, description="PKWiU/CN code")
    project: ProjectRef | None = None


class InvoiceRowCreate(InvoiceRowFields):
    invoice: InvoiceRef = Field(description="Invoice the row belongs to")


class InvoiceRowUpdate(InputModel):
    productName: str | None = Field(default=None, min_length=1, max_length=512)
    quantity: Money | None = Field(default=None, gt=0)
    unit: str | None = Field(default=None, max_length=20)
    netPrice: Money | None = Field(default=None, ge=0)
    vatRate: VatRate | None = None
    netDiscountAmount: Money | None = Field(default=None, ge=0)
    classificationNumber: str | None = Field(default=None, max_length=50)


class InvoiceCreate(InputModel):
    client: ClientRef = Field(description="Client (buyer)")
    issueDate: dt.date
    saleDate: dt.date | None = Field(default=None, description="Sale date; defaults to the issue date")
    dueDate: dt.date
    currency: str = Field(default="PLN", pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    conversionRate: Money | None = Field(default=None, gt=0, description="PLN per unit, foreign currency only")
    name: str | None = Field(default=None, max_length=64, description="Invoice number; generated when omitted")
    type: InvoiceType = Field(default="VAT", description="KOR: a correction")
    paymentMethod: PaymentMethod = "transfer"
    bankAccount: str | None = Field(default=None, max_length=40, description="Seller IBAN")
    tinType: TinType | None = Field(default=None, description="Buyer tax id type; defaults to the client's")
    tin: str | None = Field(default=None, max_length=32, description="Buyer NIP or VAT number")
    notes: str | None = Field(default=None, max_length=2000, description="Printed on the invoice")
    internalComment: str | None = Field(default=None, max_length=2000)
    status: Literal["draft", "issued"] = "draft"
    invoiceRows: list[InvoiceRowFields] = Field(min_length=1, max_length=200, description="Line items")


class InvoiceUpdate(InputModel):
    client: ClientRef | None = None
    issueDate: dt.date | None = None
    saleDate: dt.date | None = None
    dueDate: dt.date | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    conversionRate: Money | None = Field(default=None, gt=0)
    name: str | None = Field(default=None, max_length=64, description="Invoice number")
    paymentMethod: PaymentMethod | None = None
    bankAccount: str | None = Field(default=None, max_length=40)
    tin: str | None = Field(default=None, max_length=32)
    notes: str | None = Field(default=None, max_length=2000)
    internalComment: str | None = Field(default=None, max_length=2000)
    status: Literal["draft", "issued"] | None = Field(default=None, description="issued: issue a draft")


class InvoiceTransactionCreate(InputModel):
    invoice: InvoiceRef = Field(description="Invoice the payment settles")
    transaction: TransactionRef | None = None
    amount: Money = Field(gt=0, description="Amount applied, in the invoice currency")
    date: dt.date = Field(description="Payment date")


class InvoiceTransactionUpdate(InputModel):
    amount: Money | None = Field(default=None, gt=0)
    date: dt.date | None = None
    transaction: TransactionRef | None = None
