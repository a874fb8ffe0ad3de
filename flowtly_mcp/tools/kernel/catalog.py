"""The catalog: `search_tools` and `execute_tool` reach every registered tool, enabled toolset or not.

The default tool list stays small while all documented endpoints stay reachable; calls made through the catalog take
the same path as direct calls (validation, guards, read-only rules, error boundary, audit).
"""

import re
from typing import Annotated, Any

from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from flowtly_mcp.config import ConfirmPolicy
from flowtly_mcp.tools.kernel.binding import (
    TOKEN_PARAM,
    Checked,
    check_arguments,
    decide,
    refuse_unknown_arguments,
    run_checked,
)
from flowtly_mcp.tools.kernel.errors import ToolInputError, describe_failure, format_problems
from flowtly_mcp.tools.kernel.guards import Confirm, Decision
from flowtly_mcp.tools.kernel.registry import Registry, Risk, published_annotations
from flowtly_mcp.tools.kernel.runtime import AppState
from flowtly_mcp.tools.kernel.schema_slim import slim_output
from flowtly_mcp.tools.kernel.tool_search import SearchResult, ToolSearch

# Only a name that looks like a tool's is quoted back in an example.
_TOOL_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class _CatalogTool(Tool):
    """A catalog tool whose own arguments are refused in the words every other tool uses, not pydantic's."""

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        try:
            return await super().run(arguments, context, convert_result=convert_result)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            raise ToolError(argument_error(self.name, cause, arguments)) from None


def argument_error(tool: str, error: ValidationError, arguments: dict[str, Any]) -> str:
    """What was wrong with a catalog tool's own arguments; for execute_tool, where the called tool's belong."""
    problems = error.errors(include_url=False)
    if tool != "execute_tool":
        return describe_failure(error, tool)
    misplaced = [str(item["loc"][0]) for item in problems if item["type"] == "extra_forbidden" and item["loc"]]
    others = [item for item in problems if item["type"] != "extra_forbidden"]
    parts = []
    if misplaced:
        # The commonest slip: the called tool's arguments given beside `name` instead of inside `arguments`.
        given = arguments.get("name")
        name = given if isinstance(given, str) and _TOOL_NAME.fullmatch(given) else "tool_name"
        inner = ", ".join(f'"{key}": ...' for key in misplaced)
        parts.append(
            f"{', '.join(misplaced)}: execute_tool takes only name and arguments; the called tool's own arguments "
            f'go inside arguments, as in {{"name": "{name}", "arguments": {{{inner}}}}}'
        )
    if any(item["loc"][:1] == ("arguments",) for item in others):
        parts.append("arguments: must be an object holding the called tool's arguments ({} when it takes none)")
        others = [item for item in others if item["loc"][:1] != ("arguments",)]
    if others:
        parts.append(format_problems(others))
    return describe_failure(ToolInputError(f"Invalid arguments — {'; '.join(parts)}. Fix them and call again."), tool)


def catalog_tools(
    registry: Registry, listed: frozenset[str], *, read_only: bool, policy: ConfirmPolicy = ConfirmPolicy.AUTO
) -> list[Tool]:
    """The two meta tools, bound to the full registry."""

    finder = ToolSearch(registry, listed, read_only=read_only, policy=policy)

    async def search_tools(
        query: Annotated[str, Field(min_length=1, max_length=200, description="What you want to do, in your words")],
        limit: Annotated[int, Field(ge=1, le=20, description="At most this many tools")] = 5,
    ) -> CallToolResult:
        payload = finder.payload(query, limit)
        return CallToolResult(content=[TextContent(type="text", text=finder.text(payload))], structured_content=payload)

    async def resolve_arguments(ctx: Context[Any, Any], name: str, arguments: dict[str, Any]) -> Checked:
        state: AppState = ctx.request_context.lifespan_context
        spec = registry.get(name)
        if spec is None or spec.toolset == "catalog":
            return Checked(None, error=f"Unknown tool {name!r}. Use search_tools to find the right name.")
        if state.settings.read_only and spec.risk is not Risk.READ:
            # The spec stays with the refusal so the body can audit it (below).
            return Checked(spec, error=f"{name} changes data and the server runs read-only (FLOWTLY_READ_ONLY).")
        return await check_arguments(state, spec, arguments)

    async def resolve_execute(
        ctx: Context[Any, Any], checked: Annotated[Checked, Resolve(resolve_arguments)], arguments: dict[str, Any]
    ) -> Decision | Elicit[Confirm]:
        return await decide(ctx, checked, arguments.get(TOKEN_PARAM))

    # `name` and `arguments` reach the body through `checked`, which the resolver built from them.
    async def execute_tool(
        name: Annotated[str, Field(min_length=1, max_length=100, description="Tool name from search_tools")],  # noqa: ARG001
        arguments: Annotated[dict[str, Any], Field(description="Arguments matching its input_schema")],
        checked: Annotated[Checked, Resolve(resolve_arguments)],
        approval: Annotated[ElicitationResult[Confirm], Resolve(resolve_execute)],
        ctx: Context[Any, Any],
    ) -> CallToolResult:
        state: AppState = ctx.request_context.lifespan_context
        spec = checked.spec
        if spec is not None and state.settings.read_only and spec.risk is not Risk.READ:
            # A write attempted on a read-only server is worth knowing about: it is audited like any refusal
            # (here in the body, which runs once per call, not in the resolver).
            state.audit.record(
                tool=spec.name,
                outcome="refused",
                operations=list(spec.operations),
                target=None,
                arguments=arguments,
                detail="read-only server",
            )
        # The same path as a direct call: checked once, the same guard, the same body.
        return await run_checked(ctx, checked, approval)

    search = _CatalogTool.from_function(
        search_tools,
        name="search_tools",
        title="Search tools",
        description="Find the tool for a task among all Flowtly tools (English or Polish words); the best hits come "
        "with input schemas for execute_tool.",
        annotations=_annotations(read_only=True),
        meta={"flowtly-mcp/toolset": "catalog", "flowtly-mcp/risk": "read"},
        structured_output=False,
    )
    execute = _CatalogTool.from_function(
        execute_tool,
        name="execute_tool",
        title="Execute tool",
        description="Run a tool found with search_tools. Same validation and confirmations as a direct call.",
        annotations=_annotations(read_only=read_only),
        meta={"flowtly-mcp/toolset": "catalog", "flowtly-mcp/risk": "read" if read_only else "destructive"},
        structured_output=False,
    )
    refuse_unknown_arguments(search, output_schema=slim_output(SearchResult.model_json_schema()))
    # The result is the called tool's own structured content, whatever its shape.
    refuse_unknown_arguments(
        execute, output_schema={"type": "object", "description": "The called tool's structured result"}
    )
    return [search, execute]


def _annotations(*, read_only: bool) -> ToolAnnotations:
    return published_annotations(read_only=read_only, destructive=not read_only, idempotent=read_only, open_world=True)
