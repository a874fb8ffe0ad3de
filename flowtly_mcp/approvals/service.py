"""The approval machinery the guard calls: request an approval, let a person decide it, consume it exactly once.

A guarded call that needs a person becomes a `PendingApproval` in the shared store. The model is told only its id,
which approves nothing: deciding needs either the operator's own access (the `flowtly-mcp approvals` command, on
this machine) or the approval's secret, which travels only through a person's channel (the local page's URL, the
MCP Apps view's tool-result `_meta`). Once approved, `consume` hands the stored plan to exactly one caller across
every process sharing the store; the guard executes that plan, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from pydantic import JsonValue

from flowtly_mcp.approvals.models import ApprovalPreview, ApprovalStatus, PendingApproval
from flowtly_mcp.approvals.policy import Policy, PolicyDecision, Reservation, Verdict
from flowtly_mcp.approvals.store import StateStore

Decision = Literal["approve", "reject"]

DEFAULT_TTL_SECONDS = 15 * 60
# After approval, the call must run within this window (the model has to check back); then it lapses.
DEFAULT_EXECUTE_WINDOW_SECONDS = 15 * 60


class ApprovalError(Exception):
    """An approval cannot be decided or consumed; the message says why and what to do."""


class UnknownApproval(ApprovalError):
    pass


class ApprovalExpired(ApprovalError):
    pass


class ApprovalNotPending(ApprovalError):
    """Already decided (or executed): a decision is never changed or repeated."""


class ApprovalNotApproved(ApprovalError):
    """Consumed before a person approved it, after a rejection, or a second time."""


class BadApprovalSecret(ApprovalError):
    pass


def canonical_json(value: object) -> JsonValue:
    """`value` as plain JSON with sorted keys; Decimals, dates and other scalars become their text (exact)."""
    loaded: JsonValue = json.loads(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False))
    return loaded


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ApprovalTicket:
    """A new approval plus its secret. The secret goes only to a person's channel, never into a model's result."""

    approval: PendingApproval
    secret: str

    @property
    def id(self) -> str:
        return self.approval.id

    def page_path(self) -> str:
        """The local approval page's path for this approval (append to the page server's base URL)."""
        return f"/approvals/{self.approval.id}/{self.secret}"


class ApprovalService:
    """Pending approvals over a shared `StateStore`. Every method is safe to call from many processes at once."""

    def __init__(
        self,
        store: StateStore,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        execute_window_seconds: float = DEFAULT_EXECUTE_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self.execute_window_seconds = execute_window_seconds
        self._clock = clock

    # Asking -------------------------------------------------------------------------------------------------
    def request(
        self,
        *,
        tool: str,
        arguments: Mapping[str, object],
        plan: object,
        preview: ApprovalPreview,
        fingerprint: str,
        channel: str,
    ) -> ApprovalTicket:
        """Store a pending approval for one guarded call; the ticket's secret is for the person's channel only.

        `arguments` and `plan` are stored as canonical JSON (sorted keys; Decimal amounts as exact text).
        """
        now = self._clock()
        canonical_arguments = {str(key): canonical_json(value) for key, value in sorted(arguments.items())}
        secret = secrets.token_urlsafe(32)
        approval = PendingApproval(
            # The id is shown to the model and typed by people: short, but unguessable enough not to collide.
            id=f"apr_{secrets.token_urlsafe(9)}",
            tool=tool,
            arguments=canonical_arguments,
            plan=canonical_json(plan),
            preview=preview,
            fingerprint=fingerprint,
            channel=channel,
            created_at=now,
            expires_at=now + self.ttl_seconds,
            secret_hash=hash_secret(secret),
        )
        self.store.put(approval)
        return ApprovalTicket(approval=approval, secret=secret)

    # Reading ------------------------------------------------------------------------------------------------
    def get(self, approval_id: str) -> PendingApproval:
        approval = self.store.get(approval_id.strip())
        if approval is None:
            raise UnknownApproval(
                f"no approval {approval_id!r}: check the id with `flowtly-mcp approvals list` "
                "(decided approvals are kept for a week)"
            )
        return approval

    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[PendingApproval]:
        return self.store.list(status, limit)

    def is_expired(self, approval: PendingApproval) -> bool:
        return approval.expired(self._clock())

    # Deciding -----------------------------------------------------------------------------------------------
    def check_secret(self, approval_id: str, secret: str) -> PendingApproval:
        """The approval, if `secret` is its secret (compared in constant time); otherwise BadApprovalSecret."""
        approval = self.get(approval_id)
        if not hmac.compare_digest(approval.secret_hash, hash_secret(secret)):
            raise BadApprovalSecret("this approval link or view is not valid for that approval")
        return approval

    def decide_with_secret(self, approval_id: str, secret: str, decision: Decision, *, by: str) -> PendingApproval:
        """A decision from a person's channel that holds the approval's secret (the page, the MCP Apps view)."""
        self.check_secret(approval_id, secret)
        return self.decide(approval_id, decision, by=by)

    def decide(self, approval_id: str, decision: Decision, *, by: str) -> PendingApproval:
        """Approve or reject a pending approval, exactly once. Only for channels a model cannot reach."""
        now = self._clock()
        new = ApprovalStatus.APPROVED if decision == "approve" else ApprovalStatus.REJECTED
        moved = self.store.transition(
            approval_id,
            expected=ApprovalStatus.PENDING,
            new=new,
            now=now,
            by=by,
            new_expires_at=now + self.execute_window_seconds if new is ApprovalStatus.APPROVED else None,
        )
        if moved is not None:
            return moved
        current = self.get(approval_id)
        if current.status is not ApprovalStatus.PENDING:
            raise ApprovalNotPending(
                f"approval {current.id} was already {current.status.value}"
                + (f" by {current.decided_by}" if current.decided_by else "")
                + "; a decision cannot be changed"
            )
        raise ApprovalExpired(f"approval {current.id} expired; the call has to be asked for again")

    # Executing ----------------------------------------------------------------------------------------------
    def consume(self, approval_id: str) -> PendingApproval:
        """The approved approval (with its plan) to exactly one caller, marking it executed; errors for the rest."""
        now = self._clock()
        won = self.store.transition(approval_id, expected=ApprovalStatus.APPROVED, new=ApprovalStatus.EXECUTED, now=now)
        if won is not None:
            return won
        current = self.get(approval_id)
        if current.status is ApprovalStatus.PENDING:
            if current.expired(now):
                raise ApprovalExpired(f"approval {current.id} expired before anyone decided it")
            raise ApprovalNotApproved(f"approval {current.id} is still waiting for a person; nothing was carried out")
        if current.status is ApprovalStatus.REJECTED:
            raise ApprovalNotApproved(f"approval {current.id} was rejected; nothing was carried out")
        if current.status is ApprovalStatus.EXECUTED:
            raise ApprovalNotApproved(f"approval {current.id} was already carried out; it runs only once")
        raise ApprovalExpired(f"approval {current.id} was approved but not used in time; ask again")

    def consume_nonce(self, nonce: str, *, expires_at: float) -> bool:
        """For `FLOWTLY_CONFIRM=agent` tokens: True the first time a token's nonce is used, in any process."""
        return self.store.consume_nonce(nonce, expires_at=expires_at, now=self._clock())

    # Unattended rules ---------------------------------------------------------------------------------------
    def admit(self, policy: Policy, tool: str, amount: Decimal | None) -> PolicyDecision:
        """Evaluate `policy` against today's counters and, when a rule allows the call, reserve it atomically.

        Two workers racing for the last call under a ceiling cannot both get it: the loser is re-evaluated against
        the counters as they are now, which puts it beyond the ceiling.
        """
        day = dt.datetime.fromtimestamp(self._clock(), dt.UTC).date().isoformat()
        for _ in range(3):
            decision = policy.evaluate(tool, amount, self.store.usage(tool, day))
            if decision.verdict is not Verdict.ALLOWED or decision.ceilings is None:
                return decision
            if self.store.reserve(tool, day, amount, decision.ceilings):
                return replace(decision, reservation=Reservation(tool, day, amount))
        # Still contended after three tries: never run unreserved; let the policy's fallback decide.
        return policy.contended(tool, decision.rule)

    def release(self, reservation: Reservation) -> None:
        """Give back a reserved call that changed nothing (it failed before any write could reach Flowtly, or
        Flowtly refused every write it sent): the day's ceilings count what was done, not what was tried."""
        self.store.release(reservation.tool, reservation.day, reservation.amount)
