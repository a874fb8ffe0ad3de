"""tools/list per kind of client: the MCP Apps links and the app-only tool only for a client that renders views.

The MCP Apps extension (SEP-1865) has a server check the client's `io.modelcontextprotocol/ui` capability before
listing UI-enabled tools; a plain client is spared their tokens and never sees a tool it could not use.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.approvals.app_view import DECIDE_TOOL
from flowtly_mcp.apps.mcp_apps import LEGACY_RESOURCE_URI_KEY, MCP_APP_MIME_TYPE, UI_EXTENSION
from flowtly_mcp.apps.receivables_view import RECEIVABLES_VIEW_URI
from flowtly_mcp.tools.kernel.registry import OPERATIONS_META_KEY

pytestmark = pytest.mark.anyio

MODES = ("auto", "legacy")
APPS_HOST = [advertise(UI_EXTENSION, {"mimeTypes": [MCP_APP_MIME_TYPE]})]
# Declares the extension but not the MCP App MIME type: it cannot render these views.
OTHER_UI_HOST = [advertise(UI_EXTENSION, {"mimeTypes": ["text/html"]})]


async def _listed(server: MCPServer[Any], mode: str, extensions: Any = None) -> dict[str, dict[str, Any]]:
    async with Client(server, mode=mode, extensions=extensions) as client:
        tools = (await client.list_tools()).tools
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("extensions", [None, OTHER_UI_HOST], ids=["plain", "other-ui"])
async def test_a_client_without_mcp_apps_gets_no_view_links_and_no_app_only_tool(
    mode: str, extensions: Any, server: MCPServer[Any]
) -> None:
    tools = await _listed(server, mode, extensions)
    assert DECIDE_TOOL not in tools
    for name, tool in tools.items():
        meta = tool.get("_meta", {})
        assert "ui" not in meta and LEGACY_RESOURCE_URI_KEY not in meta, name
    # The rest is still there: the operations of every API tool, and the guarded tools themselves.
    assert tools["top_debtors"]["_meta"][OPERATIONS_META_KEY]
    assert "delete_invoice" in tools


@pytest.mark.parametrize("mode", MODES)
async def test_an_mcp_apps_client_gets_the_view_links_and_the_app_only_tool(mode: str, server: MCPServer[Any]) -> None:
    apps = await _listed(server, mode, APPS_HOST)
    plain = await _listed(server, mode)
    assert apps[DECIDE_TOOL]["_meta"]["ui"]["visibility"] == ["app"]
    assert apps["top_debtors"]["_meta"]["ui"]["resourceUri"] == RECEIVABLES_VIEW_URI
    assert apps["delete_invoice"]["_meta"][LEGACY_RESOURCE_URI_KEY].startswith("ui://")
    # Otherwise the same tools, publishing the same: only the view links differ.
    assert set(apps) - set(plain) == {DECIDE_TOOL}
    for name, tool in plain.items():
        linked = {key: value for key, value in apps[name].items() if key != "_meta"}
        assert linked == {key: value for key, value in tool.items() if key != "_meta"}, name
