"""Acceptance: a person decides a real guarded call in headless Chromium, through the MCP Apps view and through the
local approval page (URL elicitation). Approve runs the call once; Reject runs nothing. Screenshots are written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.session import ClientSession
from mcp.types import ClientCapabilities, ElicitationCapability, ElicitRequestParams, ElicitResult

from flowtly_mcp.approvals import ApprovalService, ApprovalStatus, store_from_url
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

from ..apps.app_host import AppHost
from ..apps.browser import chromium_page, screenshot

TODAY = dt.date(2026, 11, 16)
TOOL = "delete_client_contact"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(SandboxConfig(today=TODAY))
    yield box
    box.close()


def build(sandbox: Sandbox, tmp_path: Path) -> tuple[Any, str]:
    state_url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    settings = ServerSettings.from_env(
        {
            "FLOWTLY_BASE_URL": "http://sandbox.test",
            "FLOWTLY_API_TOKEN": sandbox.config.token,
            "FLOWTLY_TOOLSETS": "all",
            "FLOWTLY_STATE_URL": state_url,
        }
    )
    return build_server(settings, transport=httpx2.ASGITransport(app=sandbox.app)), state_url


def deletes(sandbox: Sandbox) -> int:
    return sum(1 for entry in sandbox.request_log if entry[0] == "DELETE")


def stored(state_url: str) -> list[Any]:
    store = store_from_url(state_url)
    try:
        return ApprovalService(store).list()
    finally:
        store.close()


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_mcp_apps_view_approves_a_real_call_once(decision: str, sandbox: Sandbox, tmp_path: Path) -> None:
    server, state_url = build(sandbox, tmp_path)
    contact = sandbox.store.all("client-contacts")[0]["id"]
    with AppHost(server, TOOL, {"id": contact}) as host, chromium_page(tmp_path) as page:
        page.goto(host.url)
        view = page.frame_locator("#view")
        view.locator("#approve:enabled").wait_for()
        assert f"/{contact}" in view.locator("#preview").inner_text()
        screenshot(page, f"guarded-view-{decision}-before")
        view.locator(f"#{decision}").click()
        view.locator("#status", has_text="Approved." if decision == "approve" else "Rejected.").wait_for()
        screenshot(page, f"guarded-view-{decision}-after")
    assert host.structured["status"] == "approval_required"
    approval_id = host.structured["approval_id"]
    assert deletes(sandbox) == 0, "deciding in the view runs nothing by itself"

    async def check_back() -> list[Any]:
        async with Client(server) as model:
            return [await model.call_tool("check_approval", {"approval_id": approval_id}) for _ in range(3)]

    results = anyio.run(check_back)
    if decision == "approve":
        assert (results[0].structured_content or {})["status"] == "done"
        assert all(result.is_error for result in results[1:])
        assert deletes(sandbox) == 1
    else:
        assert all(result.is_error for result in results)
        assert "rejected" in results[0].content[0].text  # type: ignore[union-attr]
        assert deletes(sandbox) == 0
    [approval] = stored(state_url)
    assert approval.decided_by == "mcp-app-view"


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_approval_page_approves_a_real_call_once(
    decision: str, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ClientSession._build_capabilities

    def capabilities(self: ClientSession, version: str) -> ClientCapabilities:
        built = original(self, version)
        if built.elicitation is None:
            return built
        return built.model_copy(update={"elicitation": ElicitationCapability.model_validate({"url": {}})})

    monkeypatch.setattr(ClientSession, "_build_capabilities", capabilities)
    server, state_url = build(sandbox, tmp_path)
    contact = sandbox.store.all("client-contacts")[0]["id"]
    seen: list[str] = []

    def person_in_browser(url: str) -> None:
        with chromium_page(tmp_path) as page:
            page.goto(url)
            assert f"/{contact}" in page.locator("#preview").inner_text()
            screenshot(page, f"guarded-page-{decision}-before")
            page.click(f"#{decision}")
            page.locator("#status").wait_for()
            screenshot(page, f"guarded-page-{decision}-after")

    async def elicit(context: Any, params: ElicitRequestParams) -> ElicitResult:
        url = getattr(params, "url", None)
        assert url and url.startswith("http://127.0.0.1:"), params
        seen.append(url)
        await anyio.to_thread.run_sync(person_in_browser, url)
        return ElicitResult(action="accept")

    async def call() -> Any:
        async with Client(server, mode="legacy", elicitation_callback=elicit) as model:
            first = await model.call_tool(TOOL, {"id": contact})
            again = await model.call_tool("check_approval", {"approval_id": stored(state_url)[0].id})
            return first, again

    first, again = anyio.run(call)
    assert len(seen) == 1
    assert again.is_error
    if decision == "approve":
        assert (first.structured_content or {})["status"] == "done", first.content
        assert deletes(sandbox) == 1
    else:
        assert first.is_error and "Rejected" in first.content[0].text  # type: ignore[union-attr]
        assert deletes(sandbox) == 0
    [approval] = stored(state_url)
    assert approval.decided_by == "approval-page"
    assert approval.status is (ApprovalStatus.EXECUTED if decision == "approve" else ApprovalStatus.REJECTED)
