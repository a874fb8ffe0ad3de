"""What the approval store holds: pending approvals and their life cycle."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class ApprovalStatus(StrEnum):
    """pending → approved → executed, or pending → rejected. Expiry is read from `expires_at`, not stored."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"


class ApprovalPreview(BaseModel):
    """What a person reads before deciding: the same preview the guard computed from the live target."""

    model_config = ConfigDict(frozen=True)

    action: str
    target: str
    details: dict[str, JsonValue] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class PendingApproval(BaseModel):
    """One guarded call waiting for (or past) a person's decision.

    `plan` is opaque to the store: whatever the guard needs to execute exactly what was previewed. It is returned
    unchanged, once, by `consume`. `secret_hash` is the SHA-256 of the secret that a person's channel (the local
    page URL, the MCP Apps view) carries; the secret itself is never stored, so the id alone approves nothing.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    tool: str
    arguments: dict[str, JsonValue]
    plan: JsonValue
    preview: ApprovalPreview
    fingerprint: str
    channel: str
    created_at: float
    expires_at: float
    status: ApprovalStatus = ApprovalStatus.PENDING
    secret_hash: str
    decided_by: str | None = None
    decided_at: float | None = None
    executed_at: float | None = None

    def expired(self, now: float) -> bool:
        """A pending approval past its expiry can no longer be decided; an approved one can no longer run."""
        return now >= self.expires_at and self.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED)
