"""Arguments and answers of the duplicate-counterparty tools."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from flowtly_mcp.models.common import CounterpartyRef, InputModel
from flowtly_mcp.tools.kernel.shapes import Rows

Tier = Literal["certain", "strong", "candidate"]


class FindDuplicatesInput(InputModel):
    min_tier: Tier = Field(default="candidate", description="certain: same NIP; strong: + same IBAN; candidate: + name")
    limit: int = Field(default=50, ge=1, le=500, description="At most this many groups")


class MergeInput(InputModel):
    survivor: CounterpartyRef = Field(description="Counterparty to keep")
    duplicates: list[CounterpartyRef] = Field(min_length=1, max_length=10, description="Counterparties merged into it")


class MemberOut(BaseModel):
    id: str
    name: str | None
    tin: str | None
    transactions: int | None


class EvidenceOut(BaseModel):
    tier: Tier
    kind: str = Field(description="tax_id, bank_account, name or similar_name")
    value: str
    members: list[str]


class GroupOut(BaseModel):
    tier: Tier
    members: list[MemberOut]
    evidence: list[EvidenceOut]
    survivor: str = Field(description="Suggested record to keep: most transactions, then oldest")


class DuplicatesOut(BaseModel):
    groups: Rows
    count: int = Field(description="Groups found at min_tier or stronger; groups holds up to limit")
    scanned: int = Field(description="Counterparties compared")
    warnings: list[str] = []


class MergeOut(BaseModel):
    survivor: str
    merged: list[str]
    transactions: int | None = Field(description="The survivor's transactions after the merge")
    bank_accounts: list[str]
    verified: bool = Field(description="Duplicates gone and their transactions moved to the survivor")
    problems: list[str] = []
