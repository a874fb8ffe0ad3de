"""Turn a `ToolSpec` into an MCP tool: signature, schemas, annotations, guard, error boundary and audit.

This is the single path every tool call takes, whether called directly or through `execute_tool`, and the only
module that adapts to the SDK's internals (tests/tools/test_sdk_binding.py fails loudly when one of them changes):

- `Tool.from_function` (mcp.server.mcpserver.tools) builds the tool from a function's signature; we hand it a
  synthetic `__signature__`/`__annotations__` made from the input model, since our tools take a model, not kwargs.
- `tool.fn_metadata.arg_model` is reassigned after the build (FuncMetadata reads it live) to a lenient model based on
  `ArgModelBase` (mcp.server.mcpserver.utilities.func_metadata, not exported; its `model_dump_one_level` passes the
  arguments to the body): it accepts unknown names and hands them on under `UNKNOWN_PARAM`, so that our own
  validation words every mistake, unknown names included.
- `tool.parameters` is the published input schema and `tool.fn_metadata.output_schema` the published output schema;
  both are replaced by slimmed versions.
- Resolvers (`Resolve`): tool arguments reach a resolver by name, a resolver shared by the guard and the body runs
  once per call round (the SDK memoizes it), and a plain value returned where the body asks for an
  `ElicitationResult` arrives as `AcceptedElicitation(data=value)`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, cast

import anyio
from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, ConfigDict, Field, create_model

from flowtly_mcp.api.redact import redact
from flowtly_mcp.api.write_ledger import watching_writes
from flowtly_mcp.approvals.app_view import APPROVAL_VIEW_URI
from flowtly_mcp.apps.mcp_apps import view_tool_meta
from flowtly_mcp.config import ConfirmPolicy
from flowtly_mcp.tools.kernel import approval as approvals
from flowtly_mcp.tools.kernel.errors import ToolInputError, describe_failure
from flowtly_mcp.tools.kernel.guards import Confirm, Decision, Preview
from flowtly_mcp.tools.kernel.numbers import resolve_invoice_numbers
from flowtly_mcp.tools.kernel.policy import described, runs_unconfirmed, unconfirmed_detail
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk
from flowtly_mcp.tools.kernel.results import OmitsNone, json_data, json_text
from flowtly_mcp.tools.kernel.runtime import AppState, Invocation
from flowtly_mcp.tools.kernel.schema_slim import slim_input, slim_output

TOKEN_PARAM = "confirmation_token"
_TOKEN_HELP = "From the preview, once the user approved"
# Where the SDK's argument model hands unknown argument names on, so that the guard's resolver sees them too.
UNKNOWN_PARAM = "unknown_arguments__"
_CONTROL = frozenset({TOKEN_PARAM, UNKNOWN_PARAM})


def needs_guard(spec: AnyToolSpec) -> bool:
    return spec.preview is not None and (spec.risk.guarded or spec.escalates)


class PreviewOut(BaseModel):
    action: str
    target: str
    details: dict[str, Any]
    warnings: list[str] = []


GUARDED_OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"enum": ["done", "approval_required", "declined"]},
        "result": {"type": "object"},
        "preview": {"type": "object"},
        "approval_id": {"type": "string"},
    },
    "required": ["status"],
}


def guarded_output_schema(*, agent_tokens: bool) -> dict[str, Any]:
    """What a guarded tool answers under its policy: an approval id, or (agent only) a confirmation token."""
    if not agent_tokens:
        return GUARDED_OUTPUT_SCHEMA
    properties = {k: v for k, v in GUARDED_OUTPUT_SCHEMA["properties"].items() if k != "approval_id"}
    properties["status"] = {"enum": ["done", "confirmation_required", "declined"]}
    properties["confirmation_token"] = {"type": "string"}
    return {**GUARDED_OUTPUT_SCHEMA, "properties": properties}


class GuardedOutcome(OmitsNone):
    """What a guarded tool answers: its result once confirmed, or a preview awaiting confirmation.

    A field that does not apply is left out (never null), so the published schema needs no null types.
    """

    status: Literal["done", "confirmation_required", "approval_required", "declined"]
    result: dict[str, Any] | None = Field(default=None, description="The tool's result, when done")
    preview: dict[str, Any] | None = Field(default=None, description="What would happen")
    approval_id: str | None = Field(default=None, description="A person decides it; then call check_approval")
    confirmation_token: str | None = Field(default=None, description="FLOWTLY_CONFIRM=agent only")
    expires_at: int | None = Field(default=None, description="Unix time")
    message: str | None = None


def _text_result(structured: dict[str, Any]) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=json_text(structured))], structured_content=structured)


def error_result(text: str) -> CallToolResult:
    # Every error text passes redaction on its way out, whoever wrote it.
    return CallToolResult(content=[TextContent(type="text", text=redact(text))], is_error=True)


def _preview_out(preview: Preview | None) -> dict[str, Any] | None:
    if preview is None:
        return None
    return PreviewOut(
        action=preview.action, target=preview.target, details=preview.details, warnings=preview.warnings
    ).model_dump(mode="json")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


class _LenientArguments(ArgModelBase):
    # Unknown names pass through to our own validation, which names them and lists the tool's arguments; the SDK's
    # refusal would be raw pydantic text.
    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    def model_dump_one_level(self) -> dict[str, Any]:
        unknown = dict(self.model_extra or {})
        if getattr(self, UNKNOWN_PARAM, None) not in (None, _MISSING):  # a caller using the name itself
            unknown[UNKNOWN_PARAM] = True
        return {**super().model_dump_one_level(), UNKNOWN_PARAM: unknown}


@dataclass(frozen=True)
class Checked:
    """A call's arguments, validated once per round: the guard and the body both take them from here."""

    spec: AnyToolSpec | None
    args: BaseModel | None = None
    error: str | None = None
    # The preview a person is asked about by form elicitation in this call: its plan is the one that runs.
    shown: list[Preview] = field(default_factory=list, compare=False)


async def check_arguments(state: AppState, spec: AnyToolSpec, raw: dict[str, Any]) -> Checked:
    """Validated arguments with invoice numbers resolved to ids, so that preview and body act on the same record."""
    try:
        args = validate_input(spec, raw)
        return Checked(spec, await resolve_invoice_numbers(state.api, args))
    except Exception as exc:  # a failed number lookup is reported like bad input: the call does not run
        return Checked(spec, error=describe_failure(exc, spec.name))


async def decide(ctx: Context[Any, Any], checked: Checked, token: object) -> Decision | Elicit[Confirm]:
    """The guard's verdict for a checked call (the same for direct calls and execute_tool)."""
    spec = checked.spec
    if spec is None or not needs_guard(spec):
        return Decision(approved=True, via="not-needed")
    if checked.args is None:
        return Decision(approved=False, via="none", refusal=checked.error)
    state: AppState = ctx.request_context.lifespan_context
    verdict = await guard_decision(state, spec, checked.args, token if isinstance(token, str) else None, ctx)
    if isinstance(verdict, approvals.AskPerson):
        checked.shown[:] = [verdict.preview]
    return verdict


async def run_checked(ctx: Context[Any, Any], checked: Checked, approval: Any) -> CallToolResult:
    """Run a checked call: its error, or guard verdict → body → error boundary → audit."""
    if checked.spec is None or checked.args is None:
        return error_result(checked.error or "Invalid call.")
    state: AppState = ctx.request_context.lifespan_context
    if not needs_guard(checked.spec):
        return await run_call(state, checked.spec, checked.args, ctx, None)
    shown = checked.shown[0] if checked.shown else None
    return await run_call(state, checked.spec, checked.args, ctx, approval, shown=shown)


def validate_input(spec: AnyToolSpec, raw: dict[str, Any]) -> BaseModel:
    """The tool's input model from the raw arguments (absent ones left out, so defaults and `required` apply)."""
    token = raw.get(TOKEN_PARAM, _MISSING)
    if token is not _MISSING and token is not None and not (isinstance(token, str) and 0 < len(token) <= 2000):
        raise ToolInputError(f"{TOKEN_PARAM}: must be the token text from this tool's preview. Fix it and call again.")
    unknown = raw.get(UNKNOWN_PARAM)
    extra = dict(unknown) if isinstance(unknown, dict) else {}
    if UNKNOWN_PARAM in extra:
        raise ToolInputError(f"Invalid arguments — {UNKNOWN_PARAM} is not an argument of this tool; remove it.")
    given = {k: v for k, v in {**raw, **extra}.items() if k not in _CONTROL and v is not _MISSING}
    args: BaseModel = spec.input_model.model_validate(given)
    return args


async def guard_decision(
    state: AppState, spec: AnyToolSpec, args: BaseModel, token: str | None, ctx: Context[Any, Any] | None
) -> Decision | Elicit[Confirm]:
    """Decide how this call is approved; runs before the body (as a resolver), reads the API for the preview."""
    guard = state.guard
    if guard.policy is ConfirmPolicy.OFF:
        # No preview is shown, so there is no approved plan: the body plans once and runs that plan.
        return Decision(approved=True, via="policy-off", channel="FLOWTLY_CONFIRM=off: no confirmation")
    assert spec.preview is not None
    if (refused := approvals.never_allowed(state, spec)) is not None:
        return refused
    try:
        preview = None
        if token and guard.policy is ConfirmPolicy.AGENT:
            # A plan this process previewed is confirmed by re-reading only the records it touches.
            preview = await approvals.rechecked_preview(state, spec, guard.approval_of(token), ctx)
        if preview is None:
            # A retried round carrying the person's answer: the preview they were asked about, not a new plan.
            preview = await approvals.asked_preview(state, spec, args, ctx)
        if preview is None:
            preview = await spec.preview(Invocation(state, spec, ctx), args)
    except Exception as exc:
        return Decision(approved=False, via="none", refusal=describe_failure(exc, spec.name))
    if preview is None:
        return Decision(approved=True, via="not-needed")
    if guard.policy is ConfirmPolicy.AGENT:
        caps = ctx.client_capabilities if ctx is not None else None
        if caps is not None and caps.elicitation is not None:
            # A client that can ask its user still does: the token is only for callers with nobody to ask.
            return approvals.ask_person(state, spec, args, preview)
        return await anyio.to_thread.run_sync(approvals.agent_decision, state, spec, args, preview, token)
    # Under auto a token approves nothing, whatever it holds: only a rule or a person does.
    return await approvals.auto_decision(state, spec, args, preview, ctx)


_TARGET_FIELDS = ("id", "invoice", "transaction", "attachment", "survivor", "counterparty", "client", "invoices", "ids")


def _target_of(args: BaseModel) -> str | None:
    """What the call acts on, for the audit line: the first reference-like argument present."""
    for name in _TARGET_FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            return ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return None


async def run_call(
    state: AppState,
    spec: AnyToolSpec,
    args: BaseModel,
    ctx: Context[Any, Any] | None,
    approval: ElicitationResult[Any] | Decision | None,
    *,
    shown: Preview | None = None,
) -> CallToolResult:
    """Guard verdict → body → error boundary → audit. Returns the MCP result, never raises for expected failures.

    `shown` is the preview a person approved by form elicitation in this call: its plan is what runs.
    """
    guarded = needs_guard(spec)
    if spec.risk is Risk.READ and not guarded:
        # A read is never audited: nothing to record, nothing to dump, no guard.
        return await _run_read(state, spec, args, ctx)
    audit = state.audit
    audit_args = args.model_dump(mode="json")
    target = _target_of(args)
    ops = list(spec.operations)

    # A guarded call that runs because the policy lets it (not because a person approved) is marked in the audit.
    unconfirmed = guarded and runs_unconfirmed(state.guard.policy)

    def record(outcome: str, detail: str | None = None) -> None:
        if unconfirmed and outcome in ("executed", "failed"):
            detail = "; ".join(p for p in (detail, unconfirmed_detail(state.guard.policy)) if p)
        audit.record(
            tool=spec.name,
            outcome=outcome,
            operations=ops,
            target=target,
            arguments=audit_args,
            detail=detail,
            confirmed=False if unconfirmed else None,
        )

    decision: Decision | None = None
    if guarded:
        if isinstance(approval, AcceptedElicitation):
            data = approval.data
            if isinstance(data, Decision):
                decision = data
            elif isinstance(data, Confirm):
                if not data.confirm:
                    record("declined", "the user answered no")
                    return _text_result(_outcome("declined", message="Declined by the user; nothing was done."))
                try:
                    confirmed = await approvals.confirmed_by_form(state, spec, args, shown, ctx)
                except Exception as exc:
                    confirmed = describe_failure(exc, spec.name)
                if isinstance(confirmed, str):
                    record("refused", confirmed)
                    return error_result(confirmed)
                decision = confirmed
                record("confirmed", "form elicitation")
        elif isinstance(approval, Decision):
            decision = approval
        else:  # declined or cancelled elicitation
            action = getattr(approval, "action", "cancel")
            record("declined", f"elicitation {action}")
            return _text_result(_outcome("declined", message=f"The user chose {action}; nothing was done."))
        assert decision is not None
        if not decision.approved:
            if decision.refusal:
                record("refused", decision.refusal)
                return error_result(decision.refusal)
            if decision.pending is not None:
                record(
                    "approval_requested", f"{decision.pending.ticket.id} via {decision.pending.ticket.approval.channel}"
                )
                return approvals.pending_result(spec.name, decision.pending, _preview_out(decision.preview))
            record("previewed", approvals.AGENT_CHANNEL)
            return _text_result(
                _outcome(
                    "confirmation_required",
                    preview=_preview_out(decision.preview),
                    confirmation_token=decision.token,
                    expires_at=decision.expires_at,
                    message="Nothing was changed yet. Show this preview to the user; only if they approve, call "
                    f"{spec.name} again with the same arguments and confirmation_token.",
                )
            )
        if decision.via == "token":
            spent = await approvals.agent_consume(state, spec, decision)
            if isinstance(spent, str):
                record("refused", spent)
                return error_result(spent)
            decision = spent
            record("confirmed", decision.channel)
    try:
        with watching_writes() as writes:
            inv = Invocation(state, spec, ctx)
            if decision is not None and decision.plan is not None and spec.planned is not None:
                result = await spec.planned.execute(inv, args, decision.plan)
            else:
                result = await spec.handler(inv, args)
    except Exception as exc:
        text = describe_failure(exc, spec.name)
        reservation = decision.reservation if decision is not None else None
        if reservation is not None and writes.changed_nothing and await approvals.give_back(state, reservation):
            record("failed", f"{text} No change reached Flowtly: the call was taken off the policy's day counters.")
        else:
            record("failed", text)
        return error_result(text)
    # The audit names what allowed a guarded call: the rule, the person's channel, or the agent's own token.
    record("executed", decision.channel if decision is not None else None)
    structured = json_data(result)
    if guarded:
        structured = _outcome("done", result=structured)
    return _text_result(structured)


async def _run_read(
    state: AppState, spec: AnyToolSpec, args: BaseModel, ctx: Context[Any, Any] | None
) -> CallToolResult:
    """An unguarded read: body → error boundary, nothing audited."""
    try:
        result = await spec.handler(Invocation(state, spec, ctx), args)
    except Exception as exc:
        return error_result(describe_failure(exc, spec.name))
    return _text_result(json_data(result))


def _outcome(status: str, **fields: Any) -> dict[str, Any]:
    return GuardedOutcome(status=status, **fields).model_dump(mode="json")


def _parameters(spec: AnyToolSpec) -> list[inspect.Parameter]:
    params = []
    for name, info in spec.input_model.model_fields.items():
        kw = {
            k: getattr(info, k)
            for k in ("description", "examples", "json_schema_extra")
            if getattr(info, k) is not None
        }
        # The model's own constraints and markers, re-attached so the published schema matches the model.
        annotation = cast(Any, Annotated)[(info.annotation, *info.metadata, Field(**kw))]
        default = inspect.Parameter.empty if info.is_required() else info.get_default(call_default_factory=True)
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default))
    return params


def build_tool(spec: AnyToolSpec, policy: ConfirmPolicy = ConfirmPolicy.AUTO) -> Tool:
    """The MCP tool for `spec`; its body reaches the shared state through the lifespan context.

    A guarded tool takes `confirmation_token` only under FLOWTLY_CONFIRM=agent: under the other policies no token
    approves anything, so none is published. The schema is therefore stable per policy.
    """
    agent_tokens = policy is ConfirmPolicy.AGENT
    params = _parameters(spec)
    guarded = needs_guard(spec)
    annotations: dict[str, Any] = {p.name: p.annotation for p in params}
    if guarded:
        if agent_tokens:
            token_annotation = Annotated[str | None, Field(description=_TOKEN_HELP, max_length=2000)]
            params.append(
                inspect.Parameter(
                    TOKEN_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=token_annotation, default=None
                )
            )
            annotations[TOKEN_PARAM] = token_annotation

        async def resolve_arguments(ctx: Context[Any, Any], **kwargs: Any) -> Checked:
            return await check_arguments(ctx.request_context.lifespan_context, spec, kwargs)

        # The SDK passes tool arguments to a resolver by name: the resolver declares every one of them, and the
        # unknown names the lenient argument model hands on.
        by_name = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)] + [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Any)
            for name in [*(p.name for p in params), UNKNOWN_PARAM]
        ]
        resolve_arguments.__signature__ = inspect.Signature(by_name)  # type: ignore[attr-defined]
        resolve_arguments.__annotations__ = {"ctx": Context, **{p.name: Any for p in params}, UNKNOWN_PARAM: Any}
        checked_annotation = Annotated[Checked, Resolve(resolve_arguments)]

        async def resolve_guard(
            ctx: Context[Any, Any], checked: Annotated[Checked, Resolve(resolve_arguments)], **token: Any
        ) -> Decision | Elicit[Confirm]:
            return await decide(ctx, checked, token.get(TOKEN_PARAM))

        guard_params = [
            inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context),
            inspect.Parameter("checked", inspect.Parameter.KEYWORD_ONLY, annotation=checked_annotation),
        ]
        # Set as objects: the resolver's closure names cannot be found from string annotations.
        resolve_guard.__annotations__ = {"ctx": Context, "checked": checked_annotation}
        if agent_tokens:
            guard_params.append(inspect.Parameter(TOKEN_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Any))
            resolve_guard.__annotations__[TOKEN_PARAM] = Any
        resolve_guard.__signature__ = inspect.Signature(guard_params)  # type: ignore[attr-defined]
        approval_annotation = Annotated[ElicitationResult[Confirm], Resolve(resolve_guard)]
        for name, annotation in (("checked", checked_annotation), ("approval", approval_annotation)):
            params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation))
            annotations[name] = annotation
    params.append(inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context))
    annotations["ctx"] = Context
    output = GuardedOutcome if guarded else spec.output_model

    async def call(
        ctx: Context[Any, Any], checked: Checked | None = None, approval: Any = None, **kwargs: Any
    ) -> CallToolResult:
        # A guarded call was checked once, by the resolver its guard shares; any other call is checked here.
        if checked is None:
            checked = await check_arguments(ctx.request_context.lifespan_context, spec, kwargs)
        return await run_checked(ctx, checked, approval)

    # Declared so that the guard's resolver may ask for it by name; left out of the published schema below.
    unknown = inspect.Parameter(UNKNOWN_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Any, default=None)
    call.__signature__ = inspect.Signature([*params, unknown], return_annotation=output)  # type: ignore[attr-defined]
    call.__annotations__ = {**annotations, UNKNOWN_PARAM: Any, "return": output}
    call.__name__ = spec.name
    tool = Tool.from_function(
        call,
        name=spec.name,
        title=spec.title,
        description=described(spec.description, policy, guarded=guarded, always=spec.risk.guarded),
        annotations=spec.annotations,
        meta=spec.meta,
        structured_output=True,
    )
    published = tool.fn_metadata.arg_model
    # The SDK validates with this model before our body runs; it only rejects unknown names, so that every other
    # mistake is reported by our own validation in words a model can act on (field, problem, what to do).
    tool.fn_metadata.arg_model = create_model(
        f"{spec.name}_arguments",
        __base__=_LenientArguments,
        **cast(dict[str, Any], dict.fromkeys(published.model_fields, (Any, _MISSING))),
    )
    schema = published.model_json_schema(by_alias=True)
    schema.get("properties", {}).pop(UNKNOWN_PARAM, None)
    tool.parameters = slim_input(schema, keep_null=spec.nullable_inputs)
    if guarded:
        # The full GuardedOutcome still validates every result; the list only needs what a caller branches on.
        tool.fn_metadata.output_schema = guarded_output_schema(agent_tokens=agent_tokens)
        if not agent_tokens:
            # Hosts that render MCP Apps show the approval in the view (kernel/approval.py).
            tool.meta = {**(tool.meta or {}), **view_tool_meta(APPROVAL_VIEW_URI)}
    elif tool.fn_metadata.output_schema is not None:
        tool.fn_metadata.output_schema = slim_output(tool.fn_metadata.output_schema)
    return tool


def refuse_unknown_arguments(tool: Tool, *, output_schema: dict[str, Any] | None = None) -> None:
    """Make a plain SDK tool (the catalog's) refuse unknown arguments, and publish slimmed schemas."""
    tool.fn_metadata.arg_model = type(
        f"{tool.name}_arguments",
        (tool.fn_metadata.arg_model,),
        {"model_config": ConfigDict(extra="forbid", arbitrary_types_allowed=True)},
    )
    tool.parameters = slim_input(tool.parameters, keep_null=False)
    if output_schema is not None:
        tool.fn_metadata.output_schema = output_schema
    elif tool.fn_metadata.output_schema is not None:
        tool.fn_metadata.output_schema = slim_output(tool.fn_metadata.output_schema)
