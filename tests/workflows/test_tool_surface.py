"""What the workflow tools cost in the tool list, and how they are declared."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client

from bench.tokenizer import count
from flowtly_mcp.apps.mcp_apps import is_app_only
from flowtly_mcp.tools.all import registry, workflow_specs
from flowtly_mcp.tools.kernel.registry import Risk

from .conftest import ServerFactory

pytestmark = pytest.mark.anyio
# o200k tokens of what a model reads of the default list (name, description, input schema): issue 15's budget.
DEFAULT_SURFACE_TOKENS = 2000
# The workflows the routing benchmark puts in the default list (flowtly_mcp/tools/default_surface.py).
CORE = {"top_debtors", "overdue_invoices", "receivables_aging", "client_statement", "reconcile_unmatched"}
CORE |= {"suggest_payment_matches", "send_invoice_to_ksef", "ksef_status", "send_ksef_correction"}
CORE |= {"find_duplicate_counterparties"}


def tokens(tool: dict[str, Any]) -> float:
    # The same estimate the benchmark uses: characters / 4 of the compact JSON a host receives.
    return len(json.dumps(tool, separators=(",", ":"), ensure_ascii=False)) / 4


async def listed(server: Any) -> list[dict[str, Any]]:
    async with Client(server, mode="legacy") as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_the_default_tool_list_stays_within_its_token_budget(make_server: ServerFactory) -> None:
    default = await listed(make_server(FLOWTLY_TOOLSETS="default", FLOWTLY_CONFIRM="auto"))
    names = {tool["name"] for tool in default}
    assert names >= CORE
    # What a model reads: app-only tools (MCP Apps `visibility: ["app"]`) are for views, never offered to the model.
    for_model = [tool for tool in default if not is_app_only(tool.get("_meta"))]
    visible = [{key: tool[key] for key in ("name", "description", "inputSchema")} for tool in for_model]
    assert sum(count(json.dumps(part, separators=(",", ":"), ensure_ascii=False)) for part in visible) <= (
        DEFAULT_SURFACE_TOKENS
    )


async def test_each_workflow_tool_is_lean(make_server: ServerFactory) -> None:
    ours = {spec.name for spec in workflow_specs()}
    # Sized under the default policy (auto); agent adds a token argument to every guarded tool.
    server = make_server(FLOWTLY_CONFIRM="auto")
    sizes = {tool["name"]: tokens(tool) for tool in await listed(server) if tool["name"] in ours}
    assert set(sizes) == ours
    assert max(sizes.values()) <= 350, sizes


def test_workflow_tools_are_declared_for_their_risk() -> None:
    specs = {spec.name: spec for spec in registry() if spec.toolset == "workflows"}
    assert {name for name, spec in specs.items() if spec.core} == CORE
    assert specs["send_invoice_to_ksef"].risk is Risk.IRREVERSIBLE
    assert specs["send_ksef_correction"].risk is Risk.IRREVERSIBLE
    assert specs["merge_counterparties"].risk is Risk.DESTRUCTIVE
    for name in ("reconcile_payment", "reconcile_unmatched"):
        assert specs[name].risk is Risk.WRITE and specs[name].escalates and specs[name].preview is not None
    for spec in specs.values():
        assert len(spec.description) <= 110 and spec.description.endswith("."), spec.name
