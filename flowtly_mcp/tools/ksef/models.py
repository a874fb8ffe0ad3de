"""Arguments and answers of the KSeF workflow tools."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from flowtly_mcp.models.common import InputModel, InvoiceRef
from flowtly_mcp.tools.kernel.shapes import Amount, Rows, range_end

INBOUND_MAX_MONTHS = 3


class SendInput(InputModel):
    invoice: InvoiceRef


class CorrectionInput(InputModel):
    invoice: InvoiceRef = Field(description="The original invoice, already in KSeF")
    reason: str = Field(min_length=3, max_length=500, description="Why it is corrected (PrzyczynaKorekty)")


class StatusInput(InputModel):
    invoice: InvoiceRef
    upo: bool = Field(default=False, description="Also save the UPO receipt when KSeF has accepted the invoice")


class InboundInput(InputModel):
    date_from: dt.date = Field(description="Issued from")
    date_to: dt.date = Field(description="Issued to (inclusive); at most 3 months after date_from")
    limit: int = Field(default=20, ge=1, le=100, description="At most this many listed")

    @field_validator("date_to")
    @classmethod
    def _range(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        return range_end(info.data.get("date_from"), value, max_months=INBOUND_MAX_MONTHS)


class UpoOut(BaseModel):
    path: str
    sha256: str
    size: int
    resource_uri: str = Field(description="MCP resource serving the same receipt")


class KsefOut(BaseModel):
    invoice: str
    number: str | None
    status: str = Field(
        description="success (KSeF accepted it: it has a KSeF number), rejected, not_sent, or Flowtly's word for a "
        "submission KSeF is still processing"
    )
    code: int | None = Field(default=None, description="KSeF status code")
    ksef_number: str | None = None
    reference: str | None = None
    reason: str | None = Field(default=None, description="KSeF's rejection reason")
    hint: str | None = Field(default=None, description="What to do next")
    upo: dict[str, Any] | None = Field(default=None, description="Saved receipt: path, sha256, size")
    notes: list[str] = []


class CorrectionOut(KsefOut):
    corrects: str = Field(description="The original invoice")
    corrects_ksef_number: str


class InboundItemOut(BaseModel):
    id: str
    ksef_number: str | None
    number: str | None
    seller: str | None
    seller_nip: str | None
    issued: dt.date | None
    amount: Amount | None
    currency: str | None


class InboundOut(BaseModel):
    total: int
    invoices: Rows
