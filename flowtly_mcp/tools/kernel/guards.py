"""Confirmation of destructive and irreversible calls.

A `confirm: true` argument is no guard: a prompt-injected model sets it itself. So a guarded call either asks the
human through elicitation (when the client can), or runs in two steps: the first call changes nothing and returns a
preview with a signed confirmation token; only a second call carrying that token executes. Tokens are stateless
(HMAC), so any replica accepts them; they bind the tool, the canonical arguments and a fingerprint of the target's
current state, expire after ten minutes, and are single-use (the fingerprint changes once the call has run, and each
process also remembers the nonces it has consumed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from flowtly_mcp.config import ConfirmPolicy
from flowtly_mcp.tools.kernel.quoting import one_line, one_line_all, render_value
from flowtly_mcp.tools.kernel.shaping import plain

if TYPE_CHECKING:
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
    via: Literal["elicitation", "token", "policy-off", "not-needed", "none"]
    preview: Preview | None = None
    token: str | None = None
    expires_at: int | None = None
    refusal: str | None = None
    nonce: str | None = None
    # The approved plan, when the confirmation carried one: the call executes it instead of planning again.
    plan: object | None = None


def canonical(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Guard:
    """Issues and checks confirmation tokens, and decides how a guarded call is confirmed."""

    def __init__(self, policy: ConfirmPolicy, secret: bytes | None = None, *, clock: Any = time.time) -> None:
        self.policy = policy
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock
        self._used: dict[str, float] = {}
        # Previews with a plan, by token nonce: the approved plan travels with its confirmation. In memory, so a
        # token confirmed on another replica (or after a restart) falls back to previewing again.
        self._plans: dict[str, tuple[float, Preview]] = {}
        self._lock = threading.Lock()

    # Tokens -------------------------------------------------------------------------------------------------
    def issue(self, tool: str, arguments: dict[str, Any], fingerprint: str) -> tuple[str, int]:
        expires = int(self._clock()) + TOKEN_TTL_SECONDS
        payload = {
            "t": tool,
            "a": hashlib.sha256(canonical(arguments).encode()).hexdigest()[:32],
            "f": fingerprint,
            "e": expires,
            "n": secrets.token_hex(8),
        }
        body = _b64(canonical(payload).encode())
        return f"{body}.{self._sign(body)}", expires

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode(), hashlib.sha256).digest()[:24])

    def verify(self, token: str, tool: str, arguments: dict[str, Any], fingerprint: str) -> tuple[str | None, str]:
        """(refusal message or None, nonce). Checks signature, tool, arguments, target state, expiry and reuse."""
        body, _, signature = token.strip().partition(".")
        if not body or not signature or not hmac.compare_digest(signature, self._sign(body)):
            return "the confirmation token is not valid (not issued by this server, or altered)", ""
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            return "the confirmation token is not valid", ""
        nonce = str(payload.get("n", ""))
        if payload.get("t") != tool:
            return f"the confirmation token was issued for {payload.get('t')}, not {tool}", nonce
        if payload.get("a") != hashlib.sha256(canonical(arguments).encode()).hexdigest()[:32]:
            return "the arguments differ from the ones that were previewed; preview again", nonce
        if int(payload.get("e", 0)) < self._clock():
            return "the confirmation token has expired (tokens last 10 minutes); preview again", nonce
        if payload.get("f") != fingerprint:
            return "the target changed since the preview (or the action already ran); preview again", nonce
        with self._lock:
            if nonce in self._used:
                return "the confirmation token was already used; preview again", nonce
        return None, nonce

    def _nonce_of(self, token: str) -> str | None:
        body, _, signature = token.strip().partition(".")
        if not body or not signature or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            return str(json.loads(_unb64(body)).get("n", "")) or None
        except ValueError:
            return None

    def keep_plan(self, token: str, preview: Preview, expires: int) -> None:
        nonce = self._nonce_of(token)
        if nonce is not None and preview.plan is not None:
            with self._lock:
                self._plans[nonce] = (float(expires), preview)

    def approved_preview(self, token: str) -> Preview | None:
        """The preview (with its plan) a token was issued for, while it is kept; None when it is not."""
        nonce = self._nonce_of(token)
        with self._lock:
            kept = self._plans.get(nonce) if nonce is not None else None
        return kept[1] if kept is not None and kept[0] >= self._clock() else None

    def consume(self, nonce: str) -> bool:
        """Mark a token used; False when it already was (a concurrent replay)."""
        now = self._clock()
        with self._lock:
            self._plans.pop(nonce, None)
            for old in [n for n, t in self._used.items() if t < now - TOKEN_TTL_SECONDS]:
                del self._used[old]
            for old in [n for n, (expires, _) in self._plans.items() if expires < now]:
                del self._plans[old]
            if nonce in self._used:
                return False
            self._used[nonce] = now
            return True

    # Decisions ----------------------------------------------------------------------------------------------
    def without_elicitation(
        self, tool: str, arguments: dict[str, Any], preview: Preview, token: str | None
    ) -> Decision:
        """The two-step path, for clients that cannot ask a human (or policy `token`)."""
        if self.policy is ConfirmPolicy.ELICIT:
            return Decision(
                approved=False,
                via="none",
                preview=preview,
                refusal=(
                    "This action needs a human's confirmation, and this client cannot ask for one "
                    "(FLOWTLY_CONFIRM=elicit). Use a client that supports elicitation, or ask the operator."
                ),
            )
        if token:
            refusal, nonce = self.verify(token, tool, arguments, preview.fingerprint)
            if refusal is None:
                return Decision(approved=True, via="token", preview=preview, nonce=nonce)
            return Decision(approved=False, via="token", preview=preview, refusal=f"Not carried out: {refusal}.")
        new_token, expires = self.issue(tool, arguments, preview.fingerprint)
        self.keep_plan(new_token, preview, expires)
        return Decision(approved=False, via="none", preview=preview, token=new_token, expires_at=expires)


def elicitation_message(tool: str, preview: Preview) -> str:
    """The question a human sees; rendered identically for identical state, as retried rounds require.

    Our own words come first (the action, the question, every warning); record data follows under a header, each
    value quoted on one line, so nothing a third party wrote can pass for the server's verdict or hide a warning.
    """
    lines = [f"flowtly-mcp asks: {preview.action} — {preview.target} (tool {tool}). Carry this out?"]
    lines += [f"! {warning}" for warning in preview.warnings]
    if preview.details:
        lines.append("Details (record data, quoted as written; not from flowtly-mcp):")
        lines += [f"  | {one_line(str(key))}: {render_value(value)}" for key, value in preview.details.items()]
    return "\n".join(lines)


def state_digest(*parts: Any) -> str:
    """A fingerprint over what a preview showed: a confirmation holds only while all of it is unchanged."""
    return fingerprint(plain(list(parts)))
