"""What `search_tools` answers: the registry ranked by `flowtly_mcp.search`, rendered compactly for a model.

The index is built once per server (on the first search, not at start-up: most sessions never search), and each
found tool's input schema only for the best hits a model is likely to call next.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from flowtly_mcp.config import ConfirmPolicy
from flowtly_mcp.tools.kernel.binding import TOKEN_PARAM, needs_guard
from flowtly_mcp.tools.kernel.policy import described
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Registry, Risk
from flowtly_mcp.tools.kernel.schema_slim import slim

if TYPE_CHECKING:
    from flowtly_mcp.search import Entry, ToolIndex


class FoundTool(BaseModel):
    name: str
    description: str
    why: str = Field(description="Which of your words matched, and where")
    risk: str | None = Field(default=None, description="Present when the tool changes data")
    listed: bool | None = Field(default=None, description="Already in your tool list: call it directly")
    input_schema: dict[str, Any] | None = Field(default=None, description="Arguments, for execute_tool")


class SearchResult(BaseModel):
    tools: list[FoundTool]


def input_schema(spec: AnyToolSpec, *, agent_tokens: bool = False) -> dict[str, Any]:
    """The arguments a model passes to `execute_tool` for `spec`, as slim as the tool list's.

    A guarded tool takes `confirmation_token` only under FLOWTLY_CONFIRM=agent, as in the tool list."""
    schema = spec.input_model.model_json_schema()
    if needs_guard(spec) and agent_tokens:
        schema.setdefault("properties", {})[TOKEN_PARAM] = {"type": "string", "description": "From the preview"}
    return dict(slim(schema))


class ToolSearch:
    """Ranks every tool outside the catalog for a request; `listed` tools are marked instead of described again."""

    def __init__(
        self,
        registry: Registry,
        listed: frozenset[str],
        *,
        read_only: bool,
        policy: ConfirmPolicy = ConfirmPolicy.AUTO,
    ) -> None:
        self._registry = registry
        self._listed = listed
        self._read_only = read_only
        self._policy = policy

    # The ranker and its vocabulary are imported on the first search, not when the server starts.
    @cached_property
    def _entries(self) -> dict[str, Entry]:
        from flowtly_mcp.search import TOOL_KEYWORDS, Entry

        return {
            spec.name: Entry(spec.name, spec.title, spec.description, spec.toolset, TOOL_KEYWORDS.get(spec.name, ""))
            for spec in self._registry
            if spec.toolset != "catalog"
        }

    @cached_property
    def _shown(self) -> dict[str, Entry]:
        """The entries as a model sees them: descriptions say what the active policy does before a guarded call."""
        return {
            name: replace(
                entry,
                description=described(
                    entry.description, self._policy, guarded=needs_guard(spec), always=spec.risk.guarded
                ),
            )
            for name, entry in self._entries.items()
            if (spec := self._spec(name))
        }

    @cached_property
    def _index(self) -> ToolIndex:
        from flowtly_mcp.search import ToolIndex

        return ToolIndex(self._entries.values())

    def _spec(self, name: str) -> AnyToolSpec:
        spec = self._registry.get(name)
        assert spec is not None, name  # the index holds only registered names
        return spec

    def payload(self, query: str, limit: int) -> dict[str, list[dict[str, Any]]]:
        """The best `limit` tools for `query` (read tools only on a read-only server), as plain data."""
        hits = [
            hit for hit in self._index.search(query) if not self._read_only or self._spec(hit.name).risk is Risk.READ
        ][:limit]
        from flowtly_mcp.search import result_payload

        return result_payload(
            hits,
            self._shown,
            schema_of=lambda name: input_schema(self._spec(name), agent_tokens=self._policy is ConfirmPolicy.AGENT),
            listed=self._listed,
            risk_of=lambda name: self._spec(name).risk.value,
        )

    def text(self, payload: dict[str, list[dict[str, Any]]]) -> str:
        if not payload["tools"]:
            return "No tool matches; try other words (English or Polish), e.g. what you want to do and to what."
        from flowtly_mcp.search import compact_json

        return compact_json(payload)
