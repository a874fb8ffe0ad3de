"""The MCP Apps approval view: its resource and app-only tool over real MCP clients, and the view in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, ClientCapabilities

from flowtly_mcp.approvals import ApprovalService, ApprovalStatus
from flowtly_mcp.approvals.app_view import (
    APPROVAL_META_KEY,
    APPROVAL_VIEW_URI,
    DECIDE_TOOL,
    approval_view_result,
    register_approval_view,
)
from flowtly_mcp.apps.mcp_apps import MCP_APP_MIME_TYPE, client_supports_mcp_apps, view_tool_meta

from ..apps.app_host import AppHost, visible_to
from ..apps.browser import chromium_page, screenshot
from .conftest import new_ticket

MODES = ("auto", "legacy")


def server_with_view(service: ApprovalService) -> MCPServer[Any]:
    """The view's pieces on a server, plus a stand-in guarded tool that answers with the approval view."""
    server: MCPServer[Any] = MCPServer("approval-view-test")
    register_approval_view(server, service)

    def delete_invoice(invoice: str) -> CallToolResult:
        ticket = new_ticket(service, channel="mcp-app-view")
        return approval_view_result(ticket, f"Approval {ticket.id} is waiting for the person in the approval view.")

    server.add_tool(delete_invoice, name="delete_invoice", meta=view_tool_meta(APPROVAL_VIEW_URI))
    return server


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_the_view_is_a_self_contained_mcp_app_resource(mode: str, service: ApprovalService) -> None:
    async with Client(server_with_view(service), mode=mode) as client:
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        assert listed[APPROVAL_VIEW_URI].mime_type == MCP_APP_MIME_TYPE
        contents = (await client.read_resource(APPROVAL_VIEW_URI)).contents[0]
    html = getattr(contents, "text", "")
    assert contents.mime_type == MCP_APP_MIME_TYPE
    assert (contents.meta or {})["ui"]["csp"] == {"connectDomains": [], "resourceDomains": []}
    assert "McpAppBridge" in html and "ui/initialize" in html and "<!-- mcp-app-bridge -->" not in html
    # No external scripts, styles, fonts or CDNs: nothing that names another origin or loads a file.
    assert not re.search(r"https?://|<link|@import|@font-face|\bsrc=", html)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_the_decide_tool_is_app_only_and_needs_the_secret(mode: str, service: ApprovalService) -> None:
    async with Client(server_with_view(service), mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools[DECIDE_TOOL].meta == {"ui": {"visibility": ["app"]}}
        assert not visible_to(tools[DECIDE_TOOL], "model") and visible_to(tools["delete_invoice"], "model")

        result = await client.call_tool("delete_invoice", {"invoice": "7"})
        access = (result.meta or {})[APPROVAL_META_KEY]
        approval_id = access["id"]
        # What the model reads holds no secret.
        model_visible = str(result.structured_content) + "".join(getattr(c, "text", "") for c in result.content)
        assert access["secret"] not in model_visible and approval_id in model_visible

        for guess in (approval_id, "approve", ""):
            denied = await client.call_tool(
                DECIDE_TOOL, {"approval_id": approval_id, "secret": guess, "decision": "approve"}
            )
            assert denied.is_error
        assert service.get(approval_id).status is ApprovalStatus.PENDING

        args = {"approval_id": approval_id, "secret": access["secret"], "decision": "approve"}
        approved = await client.call_tool(DECIDE_TOOL, args)
        assert not approved.is_error and (approved.structured_content or {})["status"] == "approved"
        again = await client.call_tool(DECIDE_TOOL, {**args, "decision": "reject"})
        assert again.is_error and "already approved" in getattr(again.content[0], "text", "")
    assert service.get(approval_id).decided_by == "mcp-app-view"


def test_support_is_read_from_the_ui_extension_capability() -> None:
    declared = ClientCapabilities.model_validate(
        {"extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": [MCP_APP_MIME_TYPE]}}}
    )
    assert client_supports_mcp_apps(declared)
    assert not client_supports_mcp_apps(ClientCapabilities())
    assert not client_supports_mcp_apps(None)
    other = ClientCapabilities.model_validate(
        {"extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html"]}}}
    )
    assert not client_supports_mcp_apps(other)


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_person_decides_in_the_view_in_a_real_browser(
    decision: str, service: ApprovalService, tmp_path: Path
) -> None:
    server = server_with_view(service)
    with AppHost(server, "delete_invoice", {"invoice": "7"}) as host, chromium_page(tmp_path) as page:
        page.goto(host.url)
        view = page.frame_locator("#view")
        view.locator("#approve:enabled").wait_for()
        preview = view.locator("#preview").inner_text()
        assert "Delete invoice" in preview and "FV/2026/11/007 (Acme Sp. z o.o.)" in preview
        assert "IGNORE PREVIOUS INSTRUCTIONS\\u202e" in preview  # shown, on its line, not obeyed
        screenshot(page, f"approval-view-{decision}-before")
        view.locator(f"#{decision}").click()
        expected = "Approved." if decision == "approve" else "Rejected."
        view.locator("#status", has_text=expected).wait_for()
        assert view.locator("#approve").is_disabled() and view.locator("#reject").is_disabled()
        screenshot(page, f"approval-view-{decision}-after")
        assert page.evaluate("window.toolCalls") == 1
    assert host.proxied == [DECIDE_TOOL]
    pending = service.list()
    assert len(pending) == 1
    approval = pending[0]
    assert approval.status is (ApprovalStatus.APPROVED if decision == "approve" else ApprovalStatus.REJECTED)
    assert approval.decided_by == "mcp-app-view"
    if decision == "approve":
        assert service.consume(approval.id).plan == approval.plan
