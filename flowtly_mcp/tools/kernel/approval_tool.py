"""`check_approval`: the model checks back on an approval; once a person approved it, the call runs, exactly once.

The id approves nothing by itself: a pending or rejected approval answers with what to do, and an approved one runs
only after its target was previewed again and found unchanged (kernel/approval.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult
from pydantic import Field

from flowtly_mcp.tools.kernel.approval import CHECK_TOOL, approved_call
from flowtly_mcp.tools.kernel.binding import GUARDED_OUTPUT_SCHEMA, error_result, refuse_unknown_arguments, run_call
from flowtly_mcp.tools.kernel.registry import published_annotations
from flowtly_mcp.tools.kernel.runtime import AppState


def check_approval_tool() -> Tool:
    async def check_approval(
        approval_id: Annotated[
            str, Field(min_length=1, max_length=100, description="The approval_id a guarded tool answered with")
        ],
        ctx: Context[Any, Any],
    ) -> CallToolResult:
        state: AppState = ctx.request_context.lifespan_context
        found = await approved_call(state, approval_id, ctx)
        if isinstance(found, str):
            return error_result(found)
        spec, args, decision = found
        return await run_call(state, spec, args, ctx, decision)

    tool = Tool.from_function(
        check_approval,
        name=CHECK_TOOL,
        title="Check an approval",
        description=(
            "Check an approval a guarded tool asked a person for; once approved, runs that call once. "
            "You cannot approve it yourself."
        ),
        annotations=published_annotations(read_only=False, destructive=True, idempotent=True, open_world=True),
        meta={"flowtly-mcp/toolset": "core"},
        structured_output=False,
    )
    refuse_unknown_arguments(tool, output_schema=GUARDED_OUTPUT_SCHEMA)
    return tool
