"""Inputs for clients, client contacts and client notes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flowtly_mcp.models.common import ClientRef, CurrencyRef, Email, EmployeeRef, InputModel

ClientStatus = Literal["active", "inactive"]
TinType = Literal["NIP", "VAT", "NONE"]
ContactType = Literal["billing", "primary", "technical"]


class ClientCreate(InputModel):
    name: str = Field(min_length=1, max_length=255, description="Legal name")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO country code, e.g. PL")
    currency: CurrencyRef = Field(description="Default invoice currency, e.g. PLN")
    status: ClientStatus = "active"
    tinType: TinType = Field(description="NIP (Polish), VAT (EU) or NONE")
    tin: str | None = Field(default=None, max_length=32, description="NIP or VAT number")
    vatNumber: str | None = Field(default=None, max_length=32, description="EU VAT number, e.g. PL5273180297")
    dueDays: int | None = Field(default=None, ge=0, le=365, description="Default payment term in days")
    documentsLanguage: Literal["pl", "en"] | None = None
    addressStreetLine: str = Field(min_length=1, max_length=255)
    addressBuildingNumber: str | None = Field(default=None, max_length=20)
    addressLocaleNumber: str | None = Field(default=None, max_length=20)
    addressPostCode: str = Field(min_length=1, max_length=20)
    addressCity: str = Field(min_length=1, max_length=100)
    addressCountry: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    addressPhoneNumber: str | None = Field(default=None, max_length=40)
    invoiceComment: str | None = Field(default=None, max_length=2000)


class ClientUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    status: ClientStatus | None = None
    currency: CurrencyRef | None = None
    tinType: TinType | None = None
    tin: str | None = Field(default=None, max_length=32)
    vatNumber: str | None = Field(default=None, max_length=32)
    dueDays: int | None = Field(default=None, ge=0, le=365)
    documentsLanguage: Literal["pl", "en"] | None = None
    addressStreetLine: str | None = Field(default=None, max_length=255)
    addressBuildingNumber: str | None = Field(default=None, max_length=20)
    addressLocaleNumber: str | None = Field(default=None, max_length=20)
    addressPostCode: str | None = Field(default=None, max_length=20)
    addressCity: str | None = Field(default=None, max_length=100)
    addressCountry: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    addressPhoneNumber: str | None = Field(default=None, max_length=40)
    invoiceComment: str | None = Field(default=None, max_length=2000)


class ClientContactCreate(InputModel):
    client: ClientRef = Field(description="Client")
    type: ContactType = Field(description="Role of the contact")
    name: str = Field(min_length=1, max_length=255)
    email: Email = Field(max_length=255)
    position: int | None = Field(default=None, ge=0, description="Order in the client's contact list")
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)


class ClientContactUpdate(InputModel):
    type: ContactType | None = None
    name: str | None = Field(default=None, min_length=1, max_length=255)
    email: Email | None = Field(default=None, max_length=255)
    position: int | None = Field(default=None, ge=0)
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)


class ClientNoteCreate(InputModel):
    client: ClientRef = Field(description="Client")
    employee: EmployeeRef = Field(description="Author (employee id)")
    note: str = Field(min_length=1, max_length=5000)


class ClientNoteUpdate(InputModel):
    note: str = Field(min_length=1, max_length=5000)
