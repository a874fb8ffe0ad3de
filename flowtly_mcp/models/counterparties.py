"""Inputs for counterparties (suppliers and customers as they appear on bank statements)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flowtly_mcp.models.common import ClientRef, InputModel, ProjectRef


class CounterpartyCreate(InputModel):
    displayName: str = Field(min_length=1, max_length=255)
    type: Literal["company", "person"] = "company"
    tin: str | None = Field(default=None, max_length=32, description="NIP or VAT number")
    client: ClientRef | None = Field(default=None, description="Linked client")
    bankAccounts: list[str] | None = Field(default=None, max_length=20, description="IBANs")
    requireAttachment: bool | None = None
    cyclic: bool | None = None
    budgetNeutral: bool | None = None
    corporateWebsiteUrl: str | None = Field(default=None, max_length=500)
    defaultProject: ProjectRef | None = None


class CounterpartyUpdate(InputModel):
    displayName: str | None = Field(default=None, min_length=1, max_length=255)
    type: Literal["company", "person"] | None = None
    tin: str | None = Field(default=None, max_length=32)
    client: ClientRef | None = None
    bankAccounts: list[str] | None = Field(default=None, max_length=20, description="IBANs (replaces the list)")
    requireAttachment: bool | None = None
    cyclic: bool | None = None
    budgetNeutral: bool | None = None
    corporateWebsiteUrl: str | None = Field(default=None, max_length=500)
    defaultProject: ProjectRef | None = None
