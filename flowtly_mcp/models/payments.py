"""Inputs for stored payment methods."""

from __future__ import annotations

from pydantic import Field

from flowtly_mcp.models.common import InputModel


class PaymentMethodUpdate(InputModel):
    ccExpMonth: int | None = Field(default=None, ge=1, le=12)
    ccExpYear: int | None = Field(default=None, ge=2000, le=2100)
