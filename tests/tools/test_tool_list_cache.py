"""The checked-in tool list (flowtly_mcp/data/tool_list.json) is current and lists exactly what the live build lists.

A server lists its tools from that file and builds each tool when first called (tool_list_cache.py); these tests are
what make that safe: byte for byte the same tools/list answer as building every tool, for every confirmation policy,
read-only or not, and several toolset choices, in both protocol modes. Refresh the file with the tool snapshot:
`UPDATE_TOOL_SNAPSHOTS=1 .venv/bin/python -m pytest tests -k snapshot`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.apps.mcp_apps import MCP_APP_MIME_TYPE, UI_EXTENSION
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.server import build_server
from flowtly_mcp.tool_list import generate, write
from flowtly_mcp.tools.kernel import tool_list_cache
from flowtly_mcp.tools.kernel.deferred_tools import DeferredTools

pytestmark = pytest.mark.anyio

REFRESH = "refresh it with UPDATE_TOOL_SNAPSHOTS=1 .venv/bin/python -m pytest tests -k snapshot"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _settings(**env: str) -> ServerSettings:
    return ServerSettings.from_env({"FLOWTLY_BASE_URL": "http://sandbox.test", "FLOWTLY_API_TOKEN": "t", **env})


# A client that renders MCP Apps: it is also listed the view links and the app-only tool.
APPS_HOST = [advertise(UI_EXTENSION, {"mimeTypes": [MCP_APP_MIME_TYPE]})]


async def _tools_list(server: MCPServer[Any], mode: str = "auto", *, apps: bool = False) -> str:
    async with Client(server, mode=mode, extensions=APPS_HOST if apps else None) as client:
        listed = await client.list_tools()
    return json.dumps(listed.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)


async def test_the_tool_list_snapshot_is_current() -> None:
    if os.environ.get("UPDATE_TOOL_SNAPSHOTS") == "1":
        await write()
    assert tool_list_cache.load() is not None, f"flowtly_mcp/data/tool_list.json is stale or missing: {REFRESH}"
    expected = tool_list_cache.render(await generate())
    assert tool_list_cache.CACHE_FILE.read_text(encoding="utf-8") == expected, f"the tool list differs: {REFRESH}"


@pytest.mark.parametrize("toolsets", ["default", "all", "invoices,ksef", "workflows,budgets"])
@pytest.mark.parametrize("read_only", ["false", "true"])
@pytest.mark.parametrize("policy", ["auto", "agent", "off"])
async def test_a_server_lists_from_the_cache_exactly_what_the_live_build_lists(
    toolsets: str, read_only: str, policy: str
) -> None:
    settings = _settings(FLOWTLY_TOOLSETS=toolsets, FLOWTLY_READ_ONLY=read_only, FLOWTLY_CONFIRM=policy)
    deferred = build_server(settings)
    assert isinstance(deferred._tool_manager, DeferredTools), f"the cache was not used: {REFRESH}"
    live = build_server(settings, deferred=False)
    assert not isinstance(live._tool_manager, DeferredTools)
    for mode in ("auto", "legacy"):
        for apps in (False, True):
            assert await _tools_list(deferred, mode, apps=apps) == await _tools_list(live, mode, apps=apps), (
                toolsets,
                read_only,
                policy,
                mode,
                apps,
            )


async def test_a_stale_cache_is_ignored_and_the_list_is_built_live(monkeypatch: pytest.MonkeyPatch) -> None:
    tool_list_cache.load.cache_clear()
    monkeypatch.setattr(tool_list_cache, "fingerprint", lambda: "sources changed since the list was generated")
    try:
        server = build_server(_settings(FLOWTLY_TOOLSETS="all"))
        assert not isinstance(server._tool_manager, DeferredTools)
        assert len(await server.list_tools()) > 100
    finally:
        tool_list_cache.load.cache_clear()


async def test_a_listed_tool_is_built_when_first_looked_up_and_keeps_its_place() -> None:
    server = build_server(_settings(FLOWTLY_TOOLSETS="default"))
    manager = server._tool_manager
    assert isinstance(manager, DeferredTools)
    before = [tool.name for tool in manager.list_tools()]
    real = manager.get_tool("get_invoice")
    assert real is not None and real.fn_metadata.arg_model is not None
    assert manager.get_tool("get_invoice") is real, "built once"
    assert [tool.name for tool in manager.list_tools()] == before
    assert manager.get_tool("delete_invoice") is None, "an unlisted tool is not built (execute_tool reaches it)"
