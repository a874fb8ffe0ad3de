"""Approval only a person can give, rules for unattended agents, and at-most-once execution across processes.

The guard's interface:
- `ApprovalService(open_store())`: `request(...)` → `ApprovalTicket` (id for the model; secret for a person's
  channel), `decide_with_secret(...)` / `decide(...)`, `consume(id)` → the approved plan exactly once,
  `consume_nonce(...)` for agent-confirmed tokens, `admit(policy, tool, amount)` for unattended rules.
- `load_policy(path)` → `Policy`; `Policy.evaluate(tool, amount, usage)` is pure.
- `ApprovalPage` serves the local approval page (URL elicitation); `register_approval_view` adds the MCP Apps view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowtly_mcp.lazy import lazy_attributes

if TYPE_CHECKING:
    from flowtly_mcp.approvals.display import preview_lines, preview_text, visible
    from flowtly_mcp.approvals.models import ApprovalPreview, ApprovalStatus, PendingApproval
    from flowtly_mcp.approvals.policy import Policy, PolicyDecision, PolicyError, Verdict, load_policy, parse_policy
    from flowtly_mcp.approvals.service import (
        ApprovalError,
        ApprovalExpired,
        ApprovalNotApproved,
        ApprovalNotPending,
        ApprovalService,
        ApprovalTicket,
        BadApprovalSecret,
        UnknownApproval,
    )
    from flowtly_mcp.approvals.store import Ceilings, StateStore, StoreError, Usage, open_store, store_from_url

# Imported when first used (PEP 562): the server's start-up needs only some of these, and the command line none.
_HOMES = {
    "preview_lines": "display",
    "preview_text": "display",
    "visible": "display",
    "ApprovalPreview": "models",
    "ApprovalStatus": "models",
    "PendingApproval": "models",
    "Policy": "policy",
    "PolicyDecision": "policy",
    "PolicyError": "policy",
    "Verdict": "policy",
    "load_policy": "policy",
    "parse_policy": "policy",
    "ApprovalError": "service",
    "ApprovalExpired": "service",
    "ApprovalNotApproved": "service",
    "ApprovalNotPending": "service",
    "ApprovalService": "service",
    "ApprovalTicket": "service",
    "BadApprovalSecret": "service",
    "UnknownApproval": "service",
    "Ceilings": "store",
    "StateStore": "store",
    "StoreError": "store",
    "Usage": "store",
    "open_store": "store",
    "store_from_url": "store",
}

__all__ = [
    "ApprovalError",
    "ApprovalExpired",
    "ApprovalNotApproved",
    "ApprovalNotPending",
    "ApprovalPreview",
    "ApprovalService",
    "ApprovalStatus",
    "ApprovalTicket",
    "BadApprovalSecret",
    "Ceilings",
    "PendingApproval",
    "Policy",
    "PolicyDecision",
    "PolicyError",
    "StateStore",
    "StoreError",
    "UnknownApproval",
    "Usage",
    "Verdict",
    "load_policy",
    "open_store",
    "parse_policy",
    "preview_lines",
    "preview_text",
    "store_from_url",
    "visible",
]


__getattr__ = lazy_attributes(__name__, _HOMES, globals())
