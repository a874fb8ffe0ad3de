"""Who approves a guarded call, and how an approved call runs exactly once (docs/approvals.md).

Under `FLOWTLY_CONFIRM=auto` (the default) nothing the model receives can approve. A guarded call is allowed by a
rule of `FLOWTLY_POLICY`, or goes to a person through the best channel the client declares: the MCP Apps view, form
elicitation, URL elicitation to the local approval page, or else a pending approval that a person decides with
`flowtly-mcp approvals approve ID`. The model gets only the approval's id; `check_approval` runs the approved call
once a person approved it. Under `agent` the caller confirms itself with a token (not a human check).

Every approval, and every agent token, is a record in the shared store (SQLite or Redis): consuming it is atomic, so
an approved call runs at most once across all workers and hosts. Before it runs, the target is previewed again:
the fingerprint (which covers what the action changes) and the plan must be exactly the ones approved.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server.mcpserver import Context, Elicit
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, JsonValue

from flowtly_mcp.approvals.app_view import APPROVAL_VIEW_URI, approval_view_result
from flowtly_mcp.approvals.models import ApprovalPreview, ApprovalStatus, PendingApproval
from flowtly_mcp.approvals.page import ApprovalPage
from flowtly_mcp.approvals.policy import Policy, Reservation, Verdict, load_policy
from flowtly_mcp.approvals.service import ApprovalError, ApprovalService, ApprovalTicket
from flowtly_mcp.approvals.store import Usage, store_from_url
from flowtly_mcp.apps.mcp_apps import client_supports_mcp_apps
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.tools.kernel.errors import describe_failure
from flowtly_mcp.tools.kernel.guards import Confirm, Decision, Preview, canonical, elicitation_message
from flowtly_mcp.tools.kernel.runtime import Invocation

if TYPE_CHECKING:
    from flowtly_mcp.tools.kernel.registry import AnyToolSpec
    from flowtly_mcp.tools.kernel.runtime import AppState

logger = logging.getLogger("flowtly_mcp.approvals")
CHECK_TOOL = "check_approval"
# What the audit names for the agent path: it must never read as a person's approval.
AGENT_CHANNEL = "agent token (FLOWTLY_CONFIRM=agent: the caller confirmed itself, not a human check)"


# Plans kept in process memory, as a cache only: the store's copy is the authority.
KEPT_PLANS = 256


@dataclass
class ApprovalDesk:
    """The approvals of one server process: the shared store, the unattended rules, and the local page (lazy)."""

    service: ApprovalService
    policy: Policy | None
    _page: ApprovalPage | None = None
    # Approval id → the plan object this process previewed. When the call is confirmed in the same process, only
    # the records the plan touches are read again (`Planned.recheck`) instead of planning again from a full read;
    # in any other process the plan is derived again and must equal the stored one.
    _plans: dict[str, object] = dataclasses.field(default_factory=dict)
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def keep(self, approval_id: str, plan: object) -> None:
        with self._lock:
            self._plans[approval_id] = plan
            while len(self._plans) > KEPT_PLANS:
                del self._plans[next(iter(self._plans))]

    def kept(self, approval_id: str | None) -> object | None:
        with self._lock:
            return self._plans.get(approval_id) if approval_id else None

    @property
    def page(self) -> ApprovalPage:
        # Served on loopback only once a URL elicitation needs it; one per process.
        if self._page is None:
            self._page = ApprovalPage(self.service)
        return self._page

    def close(self) -> None:
        if self._page is not None:
            self._page.stop()
        self.service.store.close()


def open_desk(settings: ServerSettings) -> ApprovalDesk:
    """The desk for `settings`: FLOWTLY_STATE_URL's store and FLOWTLY_POLICY's rules (PolicyError when unusable)."""
    policy = load_policy(settings.policy_file) if settings.policy_file is not None else None
    return ApprovalDesk(ApprovalService(store_from_url(settings.state_url)), policy)


@dataclass(frozen=True)
class PendingCall:
    """A guarded call waiting for a person: what the model is told (its id), and for the view, its ticket."""

    ticket: ApprovalTicket
    view: bool = False
    reason: str | None = None


# Plans as plain JSON ------------------------------------------------------------------------------------------------
def plain_plan(value: object) -> JsonValue:
    """A plan as canonical JSON: dataclasses and models by field, sets sorted, amounts and dates as exact text.

    Stored with the approval (a person sees it in `approvals show`) and compared with the plan derived again just
    before execution: the call runs only when the two are identical, so what runs is what was approved.
    """

    def convert(item: object) -> Any:
        if isinstance(item, BaseModel):
            return convert(item.model_dump(mode="python"))
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            return {f.name: convert(getattr(item, f.name)) for f in dataclasses.fields(item)}
        if isinstance(item, dict):
            return {str(k): convert(v) for k, v in item.items()}
        if isinstance(item, set | frozenset):
            return sorted((convert(v) for v in item), key=lambda v: json.dumps(v, sort_keys=True, default=str))
        if isinstance(item, list | tuple):
            return [convert(v) for v in item]
        if isinstance(item, Enum):
            return convert(item.value)
        if isinstance(item, Decimal | dt.date | dt.datetime):
            return str(item) if isinstance(item, Decimal) else item.isoformat()
        if item is None or isinstance(item, str | int | float | bool):
            return item
        return str(item)

    converted: JsonValue = json.loads(json.dumps(convert(value), sort_keys=True))
    return converted


def plan_digest(value: object) -> str:
    return hashlib.sha256(json.dumps(plain_plan(value), sort_keys=True).encode()).hexdigest()[:24]


def approval_preview(preview: Preview) -> ApprovalPreview:
    return ApprovalPreview(
        action=preview.action,
        target=preview.target,
        details=json.loads(json.dumps(preview.details, default=str)),
        warnings=list(preview.warnings),
    )


def call_arguments(args: BaseModel) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(canonical(args.model_dump(mode="json")))
    return loaded


def _request(state: AppState, spec: AnyToolSpec, args: BaseModel, preview: Preview, channel: str) -> ApprovalTicket:
    ticket = state.approvals.service.request(
        tool=spec.name,
        arguments=call_arguments(args),
        plan=plain_plan(preview.plan),
        preview=approval_preview(preview),
        fingerprint=preview.fingerprint,
        channel=channel,
    )
    if preview.plan is not None and spec.planned is not None:
        state.approvals.keep(ticket.id, preview.plan)
    return ticket


async def rechecked_preview(
    state: AppState, spec: AnyToolSpec, approval_id: str | None, ctx: Context[Any, Any] | None
) -> Preview | None:
    """For a plan this process kept: the records it touches read again, as a preview carrying that plan.

    None when there is no kept plan (another process previewed it): the caller then previews in full.
    """
    plan = state.approvals.kept(approval_id)
    if plan is None or spec.planned is None:
        return None
    current = await spec.planned.recheck(Invocation(state, spec, ctx), plan)
    return Preview(action=spec.title, target=spec.name, details={}, fingerprint=current, plan=plan)


# Form elicitation: the plan shown is the plan that runs -------------------------------------------------------------
class AskPerson(Elicit[Confirm]):
    """A form elicitation of a preview, carrying the preview so that the call executes the plan the person saw.

    The question names the plan's digest: on a retried round (2026-07-28) an answer counts only for the exact question
    asked, so an answer never approves a plan other than the one shown.
    """

    def __init__(self, spec: AnyToolSpec, preview: Preview) -> None:
        message = elicitation_message(spec.name, preview)
        if preview.plan is not None:
            message += f"\n(plan {plan_digest(preview.plan)}: approving carries out exactly this plan)"
        super().__init__(message, Confirm)
        self.preview = preview


def _form_key(spec: AnyToolSpec, args: BaseModel) -> str:
    return f"form:{spec.name}:{hashlib.sha256(canonical(call_arguments(args)).encode()).hexdigest()[:32]}"


def ask_person(state: AppState, spec: AnyToolSpec, args: BaseModel, preview: Preview) -> AskPerson:
    """The elicitation for `preview`; its plan is kept like a pending approval's, for a retried round to find."""
    if preview.plan is not None and spec.planned is not None:
        state.approvals.keep(_form_key(spec, args), preview)
    return AskPerson(spec, preview)


async def asked_preview(
    state: AppState, spec: AnyToolSpec, args: BaseModel, ctx: Context[Any, Any] | None
) -> Preview | None:
    """On a retried round that carries the person's answer: the preview they were asked about, when still current.

    Its records are re-read (`Planned.recheck`) as for a kept approval; None when nothing was kept here or the
    target changed, and the caller then previews in full (a changed plan is a changed question, asked again).
    """
    if spec.planned is None or ctx is None or not ctx.input_responses:
        return None
    kept = state.approvals.kept(_form_key(spec, args))
    if not isinstance(kept, Preview):
        return None
    current = await spec.planned.recheck(Invocation(state, spec, ctx), kept.plan)
    return kept if current == kept.fingerprint else None


async def confirmed_by_form(
    state: AppState, spec: AnyToolSpec, args: BaseModel, shown: Preview | None, ctx: Context[Any, Any] | None
) -> Decision | str:
    """A person's yes to `shown`: the decision to execute what they saw, or why not (it changed while they read).

    Same process, same call: a plan is handed over, never made again. Asked mid-call (protocol <= 2025-11-25), the
    person may take minutes, so the target is read again first: a plan's records (`Planned.recheck`; a batch's is its
    own fingerprint, since a batch re-checks each payment as it is written), any other tool's preview, whose
    fingerprint must be the one shown. On a retried round (2026-07-28) the preview was made, or rechecked, after the
    answer arrived, and the answer counts only for that exact question: nothing is read again.
    """
    channel = "form elicitation"
    if shown is None:
        return Decision(approved=True, via="elicitation", channel=channel)
    changed = "Not carried out: the target changed while the user read the preview; ask again."
    plan = shown.plan if spec.planned is not None else None
    if ctx is None or not ctx.input_responses:
        inv = Invocation(state, spec, ctx)
        if spec.planned is not None and plan is not None:
            current: str | None = await spec.planned.recheck(inv, plan)
        else:
            assert spec.preview is not None
            again = await spec.preview(inv, args)
            current = again.fingerprint if again is not None else None
        if current != shown.fingerprint:
            return changed
    return Decision(approved=True, via="elicitation", preview=shown, plan=plan, channel=channel)


async def give_back(state: AppState, reservation: Reservation) -> bool:
    """Take a call that changed nothing off the policy's day counters; False when the store could not be reached
    (the call then stays counted: a ceiling errs on the side of fewer calls)."""
    try:
        await _in_thread(state.approvals.service.release, reservation)
    except Exception:
        logger.warning("could not give a failed call back to the policy's day counters", exc_info=True)
        return False
    return True


async def _in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    # The store may be Redis across the network, or a SQLite file under load: keep the event loop free.
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


# The amount a policy ceiling counts --------------------------------------------------------------------------------
_AMOUNT_FIELDS = ("amount", "gross", "total", "gross_total", "grossTotal")


def call_amount(args: BaseModel, preview: Preview) -> Decimal | None:
    """The money a call moves, when it says: its `amount` argument, else the preview's amount; None when unknown."""
    for source in (args.model_dump(mode="python"), preview.details):
        for name in _AMOUNT_FIELDS:
            value = source.get(name)
            if isinstance(value, Decimal):
                return value
            if isinstance(value, str | int):
                try:
                    return Decimal(str(value).split()[0])
                except (InvalidOperation, IndexError):
                    continue
    return None


# Deciding ----------------------------------------------------------------------------------------------------------
def never_allowed(state: AppState, spec: AnyToolSpec) -> Decision | None:
    """A never-rule's refusal, before anything is read: such a call is not even previewed."""
    policy = state.approvals.policy
    if policy is None:
        return None
    verdict = policy.evaluate(spec.name, None, Usage(0, Decimal(0)))
    if verdict.verdict is Verdict.REFUSED and verdict.rule.startswith("never"):
        return Decision(
            approved=False, via="rule", refusal=f"Not carried out: {verdict.reason} ({policy.source}: {verdict.rule})."
        )
    return None


async def auto_decision(
    state: AppState, spec: AnyToolSpec, args: BaseModel, preview: Preview, ctx: Context[Any, Any] | None
) -> Decision | Elicit[Confirm]:
    """FLOWTLY_CONFIRM=auto: a rule allows the call, or a person approves it through the best channel there is."""
    desk = state.approvals
    if desk.policy is not None:
        verdict = await _in_thread(desk.service.admit, desk.policy, spec.name, call_amount(args, preview))
        where = f"{desk.policy.source}: {verdict.rule}"
        if verdict.verdict is Verdict.ALLOWED:
            return Decision(
                approved=True,
                via="rule",
                preview=preview,
                plan=preview.plan,
                channel=f"policy {where}",
                reservation=verdict.reservation,
            )
        if verdict.verdict is Verdict.REFUSED:
            return Decision(
                approved=False, via="rule", preview=preview, refusal=f"Not carried out: {verdict.reason} ({where})."
            )
        reason = f"{verdict.reason} ({where})"
    else:
        reason = None
    caps = ctx.client_capabilities if ctx is not None else None
    if client_supports_mcp_apps(caps):
        ticket = await _in_thread(_request, state, spec, args, preview, "mcp-app-view")
        return Decision(approved=False, via="pending", preview=preview, pending=PendingCall(ticket, True, reason))
    elicitation = caps.elicitation if caps is not None else None
    if elicitation is not None and (elicitation.form is not None or elicitation.url is None):
        # A client that declares elicitation without modes means form (the spec's default).
        return ask_person(state, spec, args, preview)
    if elicitation is not None and ctx is not None:
        ticket = await _in_thread(_request, state, spec, args, preview, "approval-page")
        decided = await _url_elicitation(state, ticket, spec, preview, ctx)
        if decided is not None:
            return decided
        return Decision(approved=False, via="pending", preview=preview, pending=PendingCall(ticket, False, reason))
    ticket = await _in_thread(_request, state, spec, args, preview, "pending")
    return Decision(approved=False, via="pending", preview=preview, pending=PendingCall(ticket, False, reason))


async def _url_elicitation(
    state: AppState, ticket: ApprovalTicket, spec: AnyToolSpec, preview: Preview, ctx: Context[Any, Any]
) -> Decision | None:
    """Send the person to the local page; approved there by the time they answer: the approval, consumed now."""
    try:
        url = await _in_thread(state.approvals.page.url_for, ticket)
        message = f"Approve or reject on this machine's approval page:\n{elicitation_message(spec.name, preview)}"
        answer = await ctx.elicit_url(message, url, ticket.id)
    except Exception:
        # No back-channel (2026-07-28 connections, stateless HTTP): the approval waits, decided by CLI instead.
        return None
    if answer.action != "accept":
        return None
    current = await _in_thread(state.approvals.service.get, ticket.id)
    if current.status is ApprovalStatus.REJECTED:
        return Decision(
            approved=False,
            via="approval",
            preview=preview,
            refusal=f"Rejected by {current.decided_by}; nothing was done.",
        )
    if current.status is not ApprovalStatus.APPROVED:
        return None
    try:
        # Spent here, atomically: a check_approval racing this call cannot run it a second time.
        await _in_thread(state.approvals.service.consume, ticket.id)
    except ApprovalError as exc:
        return Decision(approved=False, via="approval", preview=preview, refusal=f"Not carried out: {exc}.")
    return Decision(
        approved=True,
        via="approval",
        preview=preview,
        plan=preview.plan,
        approval_id=ticket.id,
        channel=f"approval-page, approved by {current.decided_by}",
    )


def agent_decision(
    state: AppState, spec: AnyToolSpec, args: BaseModel, preview: Preview, token: str | None
) -> Decision:
    """FLOWTLY_CONFIRM=agent: preview + signed token; the token names a stored approval consumed once everywhere."""
    guard = state.guard
    arguments = call_arguments(args)
    if token:
        refusal, nonce, approval_id = guard.verify(token, spec.name, arguments, preview.fingerprint)
        if refusal is not None:
            return Decision(approved=False, via="token", preview=preview, refusal=f"Not carried out: {refusal}.")
        service = state.approvals.service
        if not service.consume_nonce(nonce, expires_at=guard.expiry_of(token)):
            return Decision(
                approved=False,
                via="token",
                preview=preview,
                refusal="Not carried out: the confirmation token was already used; preview again.",
            )
        return Decision(
            approved=True, via="token", preview=preview, nonce=nonce, approval_id=approval_id, channel=AGENT_CHANNEL
        )
    ticket = _request(state, spec, args, preview, "agent-token")
    new_token, expires = guard.issue(spec.name, arguments, preview.fingerprint, approval_id=ticket.id)
    return Decision(approved=False, via="none", preview=preview, token=new_token, expires_at=expires)


async def agent_consume(state: AppState, spec: AnyToolSpec, decision: Decision) -> Decision | str:
    """The agent's stored approval, consumed once (any process): the decision to execute it, or why not."""
    if decision.approval_id is None:
        return decision
    service = state.approvals.service
    # Already decided by a racing replay: consuming below tells the one winner.
    with contextlib.suppress(ApprovalError):
        await _in_thread(service.decide, decision.approval_id, "approve", by="agent-token")
    try:
        approval = await _in_thread(service.consume, decision.approval_id)
    except ApprovalError as exc:
        return f"Not carried out: {exc}."
    return _same_plan(decision, approval, spec)


def _same_plan(decision: Decision, approval: PendingApproval, spec: AnyToolSpec) -> Decision | str:
    if decision.preview is None or approval.tool != spec.name:
        return "Not carried out: the approval is for another call."
    if approval.fingerprint != decision.preview.fingerprint:
        return "Not carried out: the target changed since it was approved (or the action already ran); ask again."
    if plan_digest(approval.plan) != plan_digest(decision.preview.plan):
        return "Not carried out: the plan would differ from the one approved; ask again."
    return dataclasses.replace(decision, plan=decision.preview.plan)


# Checking back ----------------------------------------------------------------------------------------------------
async def approved_call(
    state: AppState, approval_id: str, ctx: Context[Any, Any] | None
) -> tuple[AnyToolSpec, BaseModel, Decision] | str:
    """The approved call behind `approval_id`, re-previewed and consumed exactly once; or why it cannot run now."""
    service = state.approvals.service
    try:
        approval = await _in_thread(service.get, approval_id)
    except ApprovalError as exc:
        return f"{exc}."
    if approval.status is ApprovalStatus.PENDING and not service.is_expired(approval):
        return (
            f"Approval {approval.id} is still waiting for a person; nothing was carried out. Ask the user to approve "
            f"it (`flowtly-mcp approvals approve {approval.id}` on the server's machine), then call "
            f"{CHECK_TOOL} again."
        )
    if approval.status is not ApprovalStatus.APPROVED or service.is_expired(approval):
        return _final_words(approval, service)
    spec = state.registry.get(approval.tool)
    if spec is None or spec.preview is None:
        return f"Approval {approval.id} is for {approval.tool}, which this server does not run."
    try:
        args = spec.input_model.model_validate(approval.arguments)
        preview = await rechecked_preview(state, spec, approval.id, ctx)
        if preview is None:
            preview = await spec.preview(Invocation(state, spec, ctx), args)
    except Exception as exc:
        return describe_failure(exc, spec.name)
    if preview is None:
        return f"Not carried out: {spec.name} no longer needs an approval for these arguments; call it again."
    decision = Decision(
        approved=True,
        via="approval",
        preview=preview,
        approval_id=approval.id,
        channel=f"{approval.channel}, approved by {approval.decided_by}",
    )
    # Checked before consuming, so a changed target leaves the approval to lapse rather than be spent on nothing.
    checked = _same_plan(decision, approval, spec)
    if isinstance(checked, str):
        return checked
    try:
        await _in_thread(service.consume, approval.id)
    except ApprovalError as exc:
        return f"Not carried out: {exc}."
    return spec, args, checked


def _final_words(approval: PendingApproval, service: ApprovalService) -> str:
    if service.is_expired(approval):
        return f"Approval {approval.id} expired; nothing was carried out. Call {approval.tool} again to ask anew."
    if approval.status is ApprovalStatus.REJECTED:
        return f"Approval {approval.id} was rejected by {approval.decided_by}; nothing was carried out."
    return f"Approval {approval.id} was already carried out; it runs only once."


# What the model reads ------------------------------------------------------------------------------------------------
def pending_message(spec_name: str, pending: PendingCall) -> str:
    where = (
        "in the approval view shown to the user"
        if pending.view
        else f"with `flowtly-mcp approvals approve {pending.ticket.id}` on the server's machine (or reject)"
    )
    why = f" ({pending.reason})" if pending.reason else ""
    return (
        f"Nothing was changed. {spec_name} needs a person's approval{why}: approval {pending.ticket.id}. "
        f"Tell the user; they approve or reject it {where}. Afterwards call {CHECK_TOOL} with approval_id "
        f"{pending.ticket.id}: it runs the call once if they approved. You cannot approve it yourself."
    )


def pending_structured(spec_name: str, pending: PendingCall, preview: dict[str, Any] | None) -> dict[str, Any]:
    approval = pending.ticket.approval
    return {
        "status": "approval_required",
        "approval_id": approval.id,
        # Absent rather than null: the published guarded outcome has no null types (binding.guarded_output_schema).
        **({"preview": preview} if preview is not None else {}),
        "expires_at": int(approval.expires_at),
        "message": pending_message(spec_name, pending),
    }


def pending_result(spec_name: str, pending: PendingCall, preview: dict[str, Any] | None) -> CallToolResult:
    """The guarded tool's answer while a person decides; nothing in it approves."""
    structured = pending_structured(spec_name, pending, preview)
    text = json.dumps(structured, ensure_ascii=False, separators=(",", ":"), default=str)
    if pending.view:
        # The view reads the secret from `_meta` (never shown to the model); the model reads the same outcome.
        result = approval_view_result(pending.ticket, text)
        view_content = dict(result.structured_content or {})
        return CallToolResult(
            content=[TextContent(type="text", text=text)],
            structured_content={**structured, "approval": view_content.get("approval")},
            _meta=result.meta,
        )
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


__all__ = [
    "AGENT_CHANNEL",
    "AskPerson",
    "APPROVAL_VIEW_URI",
    "CHECK_TOOL",
    "ApprovalDesk",
    "PendingCall",
    "agent_consume",
    "agent_decision",
    "approved_call",
    "ask_person",
    "asked_preview",
    "confirmed_by_form",
    "auto_decision",
    "open_desk",
    "pending_result",
    "plain_plan",
]
