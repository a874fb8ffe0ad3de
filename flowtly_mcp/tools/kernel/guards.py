"""Previews of guarded calls, and the signed tokens of `FLOWTLY_CONFIRM=agent`.

A `confirm: true` argument is no guard: a prompt-injected model sets it itself. Under the default `auto` policy a
person approves through a channel the model cannot reach (kernel/approval.py). Under `agent` a guarded call runs in
two steps: the first changes nothing and returns a preview with a signed token, a second call carrying it executes.
That is the caller confirming itself, NOT a human check. Tokens are HMAC-signed (any replica with the shared secret
verifies them), bind the tool, the canonical arguments, a fingerprint of the target's state and the stored approval
that holds the plan, expire after ten minutes, and are single-use across every process (their nonce is consumed in
the shared store).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from flowtly_mcp.config import ConfirmPolicy
from flowtly_mcp.tools.kernel.quoting import one_line, one_line_all, render_detail
from flowtly_mcp.tools.kernel.shaping import plain

if TYPE_CHECKING:
    from flowtly_mcp.approvals.policy import Reservation
    from flowtly_mcp.tools.kernel.approval import PendingCall
    from flowtly_mcp.tools.kernel.runtime import Invocation

TOKEN_TTL_SECONDS = 600


class Preview(BaseModel):
    """What a guarded call will do, read from the API before anything changes."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    action: str
    target: str
    details: dict[str, Any]
    warnings: list[str] = []
    # A digest of the target's current state: a confirmation is only valid while it is unchanged.
    fingerprint: str
    # The plan this preview shows (for tools declared with `Planned`): kept on the server with the token and executed
    # as approved, never sent to the client.
    plan: object | None = Field(default=None, exclude=True)

    # Record text reaches every field (names in targets, numbers in warnings): each string is made one line,
    # capped, with control characters visible, so no field can add lines or push a warning out of sight.
    @field_validator("action", "target")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return one_line(value)

    @field_validator("details", "warnings")
    @classmethod
    def _one_line_all(cls, value: Any) -> Any:
        return one_line_all(value)


# A check that may ask for confirmation before a plain write (a create that looks like a duplicate).
Previewer = Callable[["Invocation", BaseModel], Awaitable["Preview | None"]]


def fingerprint(record: Any) -> str:
    """A digest of a record's state: a confirmation only holds while the record is unchanged."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:24]


class Confirm(BaseModel):
    """The form a human answers through elicitation."""

    confirm: bool = Field(description="Carry out this action?")


@dataclass(frozen=True)
class Decision:
    """The guard's verdict for one call."""

    approved: bool
    via: Literal["elicitation", "token", "policy-off", "not-needed", "none", "rule", "approval", "pending"]
    preview: Preview | None = None
    token: str | None = None
    expires_at: int | None = None
    refusal: str | None = None
    nonce: str | None = None
    # The approved plan, when the confirmation carried one: the call executes it instead of planning again.
    plan: object | None = None
    # The stored approval this decision spends (consumed exactly once across processes).
    approval_id: str | None = None
    # What allowed the call, as the audit names it: a policy rule, a person's channel, or the agent's own token.
    channel: str | None = None
    # A call waiting for a person: what the model is told.
    pending: PendingCall | None = None
    # The call as counted against a policy rule's day ceilings: given back if it changes nothing.
    reservation: Reservation | None = None


def canonical(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Guard:
    """Issues and checks the signed confirmation tokens of `FLOWTLY_CONFIRM=agent`."""

    def __init__(self, policy: ConfirmPolicy, secret: bytes | None = None, *, clock: Any = time.time) -> None:
        self.policy = policy
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock

    def issue(self, tool: str, arguments: dict[str, Any], fingerprint: str, *, approval_id: str) -> tuple[str, int]:
        expires = int(self._clock()) + TOKEN_TTL_SECONDS
        payload = {
            "t": tool,
            "a": hashlib.sha256(canonical(arguments).encode()).hexdigest()[:32],
            "f": fingerprint,
            "e": expires,
            "n": secrets.token_hex(8),
            "p": approval_id,
        }
        body = _b64(canonical(payload).encode())
        return f"{body}.{self._sign(body)}", expires

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode(), hashlib.sha256).digest()[:24])

    def _payload(self, token: str) -> dict[str, Any] | None:
        body, _, signature = token.strip().partition(".")
        if not body or not signature or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None

    def approval_of(self, token: str) -> str | None:
        """The stored approval a genuine token names (None for anything this server did not sign)."""
        payload = self._payload(token) or {}
        return str(payload["p"]) if payload.get("p") else None

    def expiry_of(self, token: str) -> float:
        payload = self._payload(token) or {}
        return float(payload.get("e", 0))

    def verify(
        self, token: str, tool: str, arguments: dict[str, Any], fingerprint: str
    ) -> tuple[str | None, str, str | None]:
        """(refusal or None, nonce, approval id): signature, tool, arguments, target state and expiry.

        Reuse is checked where the nonce is consumed, in the shared store.
        """
        payload = self._payload(token)
        if payload is None:
            return "the confirmation token is not valid (not issued by this server, or altered)", "", None
        nonce = str(payload.get("n", ""))
        approval_id = str(payload["p"]) if payload.get("p") else None
        if payload.get("t") != tool:
            return f"the confirmation token was issued for {payload.get('t')}, not {tool}", nonce, approval_id
        if payload.get("a") != hashlib.sha256(canonical(arguments).encode()).hexdigest()[:32]:
            return "the arguments differ from the ones that were previewed; preview again", nonce, approval_id
        if int(payload.get("e", 0)) < self._clock():
            return "the confirmation token has expired (tokens last 10 minutes); preview again", nonce, approval_id
        if payload.get("f") != fingerprint:
            return "the target changed since the preview (or the action already ran); preview again", nonce, approval_id
        if not nonce:
            return "the confirmation token is not valid", nonce, approval_id
        return None, nonce, approval_id


def elicitation_message(tool: str, preview: Preview) -> str:
    """The question a human sees; rendered identically for identical state, as retried rounds require.

    Our own words come first (the action, the question, every warning); record data follows under a header, each
    value quoted on one line (a list, one quoted line per item, bounded), so nothing a third party wrote can pass for
    the server's verdict or hide a warning.
    """
    lines = [f"flowtly-mcp asks: {preview.action} — {preview.target} (tool {tool}). Carry this out?"]
    lines += [f"! {warning}" for warning in preview.warnings]
    if preview.details:
        lines.append("Details (record data, quoted as written; not from flowtly-mcp):")
        for key, value in preview.details.items():
            lines += render_detail(str(key), value)
    return "\n".join(lines)


def state_digest(*parts: Any) -> str:
    """A fingerprint over what a preview showed: a confirmation holds only while all of it is unchanged."""
    return fingerprint(plain(list(parts)))
