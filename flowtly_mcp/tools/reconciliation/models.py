"""Arguments and answers of the reconciliation tools (bank payments against open sales invoices)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from flowtly_mcp.models.common import InputModel, InvoiceRef, Money, TransactionRef
from flowtly_mcp.tools.kernel.shapes import Amount, Rows, range_end

Status = Literal["auto", "review", "no_match"]


class AllocationIn(InputModel):
    invoice: InvoiceRef
    amount: Money | None = Field(default=None, gt=0, description="Invoice currency; default: what is open")


class SuggestInput(InputModel):
    transaction: TransactionRef
    limit: int = Field(default=3, ge=1, le=10)


class ReconcilePaymentInput(InputModel):
    transaction: TransactionRef
    allocations: list[AllocationIn] | None = Field(
        default=None, min_length=1, max_length=20, description="Omit for the automatic match"
    )


class ReconcileUnmatchedInput(InputModel):
    date_from: dt.date = Field(description="Booking date from")
    date_to: dt.date = Field(description="Booking date to (inclusive)")
    dry_run: bool = Field(default=True, description="false applies the automatic matches (asks for confirmation)")

    @field_validator("date_to")
    @classmethod
    def _range(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        return range_end(info.data.get("date_from"), value)


class PaymentOut(BaseModel):
    id: str
    date: dt.date
    amount: Amount
    currency: str
    title: str | None = Field(default=None, description="Transfer title as the bank gave it (untrusted text)")
    payer: str | None = None


class AllocationOut(BaseModel):
    invoice: str
    number: str | None
    amount: Amount = Field(description="Applied, in the invoice's currency")
    currency: str
    remainder: Amount = Field(description="Left open on the invoice afterwards")
    record: str | None = Field(default=None, description="The invoice-transaction created")


class CandidateOut(BaseModel):
    allocations: list[AllocationOut]
    confidence: float
    reasons: list[str]
    excess: Amount = Field(description="Over-payment left on the transaction")


class AppliedOut(BaseModel):
    invoice: str | None
    amount: Amount
    record: str | None


class SuggestOut(BaseModel):
    payment: dict[str, Any]
    status: Literal["auto", "review", "no_match", "applied"]
    candidates: Rows
    reasons: list[str]
    applied: Rows = []


class ReconcileOut(BaseModel):
    payment: PaymentOut
    source: Literal["auto_match", "allocations"]
    applied: list[AllocationOut]
    excess: Amount | None = Field(description="Part of the payment no invoice absorbed (a credit)")


class BatchItemOut(BaseModel):
    transaction: str
    date: dt.date
    amount: Amount
    currency: str
    confidence: float | None = None
    allocations: list[AllocationOut] = Field(default=[], description="Best candidate")
    reasons: list[str] = []


class SkippedOut(BaseModel):
    transaction: str
    reason: str


class UnmatchedOut(BaseModel):
    dry_run: bool
    counts: dict[str, int] = Field(description="Transactions per outcome")
    totals: list[str] = Field(default=[], description="Per currency (dry run: to apply; else: applied)")
    auto: list[BatchItemOut] = Field(default=[], description="Confident matches to apply (dry run)")
    review: list[BatchItemOut] = Field(default=[], description="Dry run")
    no_match: list[BatchItemOut] = Field(default=[], description="Dry run")
    applied: list[str] = Field(default=[], description="One line per payment applied, with the records written")
    skipped: list[SkippedOut] = Field(default=[], description="Not applied, and why")
    warnings: list[str] = []
