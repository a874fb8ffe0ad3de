"""The catalog: `search_tools` and `execute_tool` reach every registered tool, enabled toolset or not.

The default tool list stays small while all documented endpoints stay reachable; calls made through the catalog take
the same path as direct calls (validation, guards, read-only rules, error boundary, audit).
"""

import re
from typing import Annotated, Any

from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, Field

from flowtly_mcp.tools.kernel.binding import (
    TOKEN_PARAM,
    Checked,
    check_arguments,
    decide,
    needs_guard,
    refuse_unknown_arguments,
    run_checked,
)
from flowtly_mcp.tools.kernel.guards import Confirm, Decision
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Registry, Risk
from flowtly_mcp.tools.kernel.runtime import AppState
from flowtly_mcp.tools.kernel.schema_slim import slim

_WORD = re.compile(r"[a-z0-9]+")


class FoundTool(BaseModel):
    name: str
    title: str
    description: str
    toolset: str
    risk: str
    listed: bool = Field(description="Already in your tool list; call it directly")
    input_schema: dict[str, Any] | None = Field(default=None, description="Arguments, for execute_tool")


class SearchResult(BaseModel):
    tools: list[FoundTool]


def _words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower()))
    # Plural and singular both match: "invoices" finds get_invoice.
    return words | {w[:-1] for w in words if w.endswith("s")} | {w[:-3] + "y" for w in words if w.endswith("ies")}


def rank(registry: Registry, query: str) -> list[AnyToolSpec]:
    wanted = _words(query)
    scored: list[tuple[int, str, AnyToolSpec]] = []
    for spec in registry:
        if spec.toolset == "catalog":
            continue
        name_words = _words(spec.name.replace("_", " "))
        text_words = _words(f"{spec.title} {spec.description} {spec.toolset} {' '.join(spec.operations)}")
        score = 3 * len(wanted & name_words) + len(wanted & text_words)
        if score:
            scored.append((-score, spec.name, spec))
    return [spec for _, _, spec in sorted(scored, key=lambda item: (item[0], item[1]))]


def input_schema(spec: AnyToolSpec) -> dict[str, Any]:
    schema = spec.input_model.model_json_schema()
    if needs_guard(spec):
        schema.setdefault("properties", {})[TOKEN_PARAM] = {"type": "string", "description": "From the preview"}
    return dict(slim(schema))


def catalog_tools(registry: Registry, listed: frozenset[str], *, read_only: bool) -> list[Tool]:
    """The two meta tools, bound to the full registry."""

    async def search_tools(
        query: Annotated[str, Field(min_length=1, max_length=200, description="What you want to do")],
        limit: Annotated[int, Field(ge=1, le=20, description="At most this many tools")] = 5,
        ctx: Context[Any, Any] | None = None,
    ) -> SearchResult:
        state: AppState | None = ctx.request_context.lifespan_context if ctx is not None else None
        read_only = state.settings.read_only if state is not None else False
        found = [s for s in rank(registry, query) if not read_only or s.risk is Risk.READ][:limit]
        return SearchResult(
            tools=[
                FoundTool(
                    name=s.name,
                    title=s.title,
                    description=s.description,
                    toolset=s.toolset,
                    risk=s.risk.value,
                    listed=s.name in listed,
                    input_schema=None if s.name in listed else input_schema(s),
                )
                for s in found
            ]
        )

    async def resolve_arguments(ctx: Context[Any, Any], name: str, arguments: dict[str, Any]) -> Checked:
        state: AppState = ctx.request_context.lifespan_context
        spec = registry.get(name)
        if spec is None or spec.toolset == "catalog":
            return Checked(None, error=f"Unknown tool {name!r}. Use search_tools to find the right name.")
        if state.settings.read_only and spec.risk is not Risk.READ:
            return Checked(None, error=f"{name} changes data and the server runs read-only (FLOWTLY_READ_ONLY).")
        return await check_arguments(state, spec, arguments)

    async def resolve_execute(
        ctx: Context[Any, Any], checked: Annotated[Checked, Resolve(resolve_arguments)], arguments: dict[str, Any]
    ) -> Decision | Elicit[Confirm]:
        return await decide(ctx, checked, arguments.get(TOKEN_PARAM))

    # `name` and `arguments` reach the body through `checked`, which the resolver built from them.
    async def execute_tool(
        name: Annotated[str, Field(min_length=1, max_length=100, description="Tool name from search_tools")],  # noqa: ARG001
        arguments: Annotated[dict[str, Any], Field(description="Arguments matching its input_schema")],  # noqa: ARG001
        checked: Annotated[Checked, Resolve(resolve_arguments)],
        approval: Annotated[ElicitationResult[Confirm], Resolve(resolve_execute)],
        ctx: Context[Any, Any],
    ) -> CallToolResult:
        # The same path as a direct call: checked once, the same guard, the same body.
        return await run_checked(ctx, checked, approval)

    search = Tool.from_function(
        search_tools,
        name="search_tools",
        title="Search tools",
        description="Find tools beyond your list (all 127 Flowtly endpoints are covered) with their input schemas.",
        annotations=_annotations(read_only=True),
        meta={"flowtly-mcp/toolset": "catalog", "flowtly-mcp/risk": "read"},
    )
    execute = Tool.from_function(
        execute_tool,
        name="execute_tool",
        title="Execute tool",
        description="Run a tool found with search_tools. Same validation and confirmations as a direct call.",
        annotations=_annotations(read_only=read_only),
        meta={"flowtly-mcp/toolset": "catalog", "flowtly-mcp/risk": "read" if read_only else "destructive"},
        structured_output=False,
    )
    refuse_unknown_arguments(search)
    # The result is the called tool's own structured content, whatever its shape.
    refuse_unknown_arguments(
        execute, output_schema={"type": "object", "description": "The called tool's structured result"}
    )
    return [search, execute]


def _annotations(*, read_only: bool) -> ToolAnnotations:
    return ToolAnnotations(
        read_only_hint=read_only, destructive_hint=not read_only, idempotent_hint=read_only, open_world_hint=True
    )
