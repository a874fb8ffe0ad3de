"""The MCP Apps approval view: a `ui://` resource showing a pending approval, and the app-only tool it decides with.

The guard answers a guarded call with `approval_view_result(ticket, …)` from a tool that declares
`view_tool_meta(APPROVAL_VIEW_URI)` (flowtly_mcp.apps). A host that renders MCP Apps shows the view and hands it the
result: the preview (structuredContent, which the model sees too) and the approval's secret (in the result's
`_meta`, which only the view reads). The view's Approve and Reject buttons call `approval_decide`, an app-only
tool: hosts that follow the spec never offer it to the model, and even a host that does would need the secret to
make it act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, Field

from flowtly_mcp.apps.mcp_apps import app_only_meta, register_view, view_document
from flowtly_mcp.tools.kernel.registry import published_annotations

if TYPE_CHECKING:
    from flowtly_mcp.approvals.models import PendingApproval
    from flowtly_mcp.approvals.service import ApprovalService, ApprovalTicket

APPROVAL_VIEW_URI = "ui://flowtly-mcp/approval.html"
DECIDE_TOOL = "approval_decide"
# The result `_meta` key that carries the approval's secret to the view.
APPROVAL_META_KEY = "flowtly-mcp/approval"


def approval_view_html() -> str:
    return view_document("flowtly_mcp.approvals", "approval_view.html")


def approval_view_content(approval: PendingApproval) -> dict[str, object]:
    """What the view renders (structuredContent["approval"]); nothing in it can approve."""
    from flowtly_mcp.approvals.display import preview_lines

    return {
        "id": approval.id,
        "tool": approval.tool,
        "status": approval.status.value,
        "expires_at": dt.datetime.fromtimestamp(approval.expires_at, dt.UTC).isoformat(timespec="seconds"),
        "lines": [
            {"kind": line.kind, "label": line.label, "value": line.value}
            for line in preview_lines(approval.tool, approval.preview)
        ],
    }


def approval_view_result(ticket: ApprovalTicket, text: str) -> CallToolResult:
    """A guarded tool's answer when the approval goes through the view: `text` is what the model reads."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content={"status": "approval_required", "approval": approval_view_content(ticket.approval)},
        _meta={APPROVAL_META_KEY: {"id": ticket.id, "secret": ticket.secret}},
    )


class ApprovalDecision(BaseModel):
    approval_id: str
    status: str = Field(description="approved or rejected")
    message: str


def register_approval_view(server: MCPServer[Any], service: ApprovalService | Callable[[], ApprovalService]) -> None:
    """Adds the approval view resource and the app-only `approval_decide` tool to `server`."""
    register_approval_resource(server)
    register_approval_decide(server, service)


def register_approval_resource(server: MCPServer[Any]) -> None:
    """Adds the approval view resource to `server`."""
    register_view(
        server,
        APPROVAL_VIEW_URI,
        approval_view_html,
        name="approval_view",
        title="Approval",
        description="Shows a pending approval with Approve and Reject buttons (MCP Apps view).",
    )


def register_approval_decide(server: MCPServer[Any], service: ApprovalService | Callable[[], ApprovalService]) -> None:
    """Adds the app-only `approval_decide` tool to `server`.

    `service` may be a function returning it, called on the first decision: the server opens its store on first use.
    """

    async def approval_decide(
        approval_id: Annotated[str, Field(description="The approval shown in the view")],
        secret: Annotated[str, Field(description="The approval's secret from the view's tool result")],
        decision: Annotated[Literal["approve", "reject"], Field(description="The person's choice")],
    ) -> ApprovalDecision:
        # Imported on the first decision: a server registers this tool at start-up, before anything is approved.
        from flowtly_mcp.approvals.service import ApprovalError

        try:
            # The store may be Redis across the network: keep the event loop free while it answers.
            approvals = service() if callable(service) else service
            decide = partial(approvals.decide_with_secret, approval_id, secret, decision, by="mcp-app-view")
            decided = await anyio.to_thread.run_sync(decide)
        except ApprovalError as exc:
            raise ToolError(str(exc)) from None
        message = (
            "Approved. The call runs once, when the assistant checks back."
            if decision == "approve"
            else "Rejected. Nothing will run."
        )
        return ApprovalDecision(approval_id=decided.id, status=decided.status.value, message=message)

    server.add_tool(
        approval_decide,
        name=DECIDE_TOOL,
        title="Record a person's approval decision",
        description="Called by the approval view when a person clicks Approve or Reject. Not for models.",
        annotations=published_annotations(read_only=False, destructive=False, idempotent=False, open_world=False),
        meta=app_only_meta(),
    )
