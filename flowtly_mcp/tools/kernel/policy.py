"""How the active confirmation policy shows outside the guard: in tool descriptions and in the audit trail.

A description must not promise a confirmation the policy will not ask for, and an audit line must say when a guarded
action ran without a person's approval. Policies that run guarded actions unconfirmed are named here by value, so a
policy added later (an `agent` policy running under written rules) is marked the moment it exists.
"""

from __future__ import annotations

import re

from flowtly_mcp.config import ConfirmPolicy

# Policy values under which a guarded action runs without a person approving this call.
UNCONFIRMED_POLICIES = frozenset({"off", "agent"})

_ASKS = re.compile(r"\s*\(asks for confirmation\)|asks for confirmation;\s*|;\s*asks for confirmation", re.IGNORECASE)


def runs_unconfirmed(policy: ConfirmPolicy) -> bool:
    return policy.value in UNCONFIRMED_POLICIES


def unconfirmed_detail(policy: ConfirmPolicy) -> str:
    if policy is ConfirmPolicy.AGENT:
        return "confirmed by the caller's own token, not by a person (FLOWTLY_CONFIRM=agent)"
    return f"ran without confirmation (FLOWTLY_CONFIRM={policy.value})"


def described(description: str, policy: ConfirmPolicy, *, guarded: bool, always: bool) -> str:
    """The tool description under `policy`: guarded tools say whether they ask first (`always`, or only in cases)."""
    base = _ASKS.sub("", description).strip()
    if not guarded:
        return base
    if policy is ConfirmPolicy.AGENT:
        return f"{base} Needs the confirmation_token of its preview (FLOWTLY_CONFIRM=agent: not a human check)."
    if runs_unconfirmed(policy):
        return f"{base} Runs WITHOUT confirmation (FLOWTLY_CONFIRM={policy.value})."
    # Under auto a person approves through a channel the model cannot reach (kernel/approval.py).
    return f"{base} Needs human approval." if always else f"{base} May need human approval."
