"""Both protocol versions over streamable HTTP: every read tool answers as it does in process, confirmations take
the elicitation or the token path, and progress notifications arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.transport.http import build_app
from flowtly_mcp.transport.settings import HttpSettings

from .conftest import CLIENT_TOKEN, MODES, mcp_server
from .servers import serving

pytestmark = pytest.mark.anyio


@pytest.fixture
def tools_env(tmp_path: Path) -> dict[str, str]:
    return {"FLOWTLY_TOOLSETS": "all", "FLOWTLY_DOWNLOAD_DIR": str(tmp_path / "downloads")}


@pytest.fixture
def in_process(sandbox: Sandbox, tools_env: dict[str, str]) -> MCPServer[Any]:
    return mcp_server(sandbox, **tools_env)


@pytest.fixture
async def url(sandbox: Sandbox, tools_env: dict[str, str]) -> AsyncIterator[str]:
    settings = HttpSettings.from_env({"FLOWTLY_HTTP_TOKENS": CLIENT_TOKEN})
    async with serving(build_app(mcp_server(sandbox, **tools_env), settings)) as base:
        yield f"{base}/mcp"


def over_http(url: str, mode: str, **options: Any) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {CLIENT_TOKEN}"}, timeout=120.0)
    return Client(streamable_http_client(url, http_client=http), mode=mode, **options)


def answering(action: str, confirm: bool | None = None) -> Any:
    asked: list[str] = []

    async def callback(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(getattr(params, "message", ""))
        content = {"confirm": confirm} if confirm is not None else None
        return ElicitResult(action=action, content=content)

    callback.asked = asked  # type: ignore[attr-defined]
    return callback


def outcome(result: CallToolResult) -> tuple[bool, Any, list[str]]:
    return result.is_error, result.structured_content, [getattr(block, "text", "") for block in result.content]


def arguments_for(schema: dict[str, Any]) -> dict[str, Any] | None:
    required = schema.get("required") or []
    if not required:
        return {}
    if required == ["id"]:
        return {"id": 1}
    return None


@pytest.mark.parametrize("mode", MODES)
async def test_every_read_tool_answers_over_http_as_in_process(url: str, in_process: MCPServer[Any], mode: str) -> None:
    async with over_http(url, mode) as remote, Client(in_process, mode=mode) as local:
        remote_tools = (await remote.list_tools()).tools
        local_tools = (await local.list_tools()).tools
        assert [t.model_dump() for t in remote_tools] == [t.model_dump() for t in local_tools]
        called = 0
        for tool in remote_tools:
            arguments = arguments_for(tool.input_schema)
            if not (tool.annotations and tool.annotations.read_only_hint) or arguments is None:
                continue
            remote_answer = outcome(await remote.call_tool(tool.name, arguments))
            local_answer = outcome(await local.call_tool(tool.name, arguments))
            assert remote_answer == local_answer, tool.name
            called += 1
    assert called >= 40


@pytest.mark.parametrize("mode", MODES)
async def test_without_elicitation_a_guarded_call_takes_two_steps(url: str, sandbox: Sandbox, mode: str) -> None:
    async with over_http(url, mode) as client:
        preview = await client.call_tool("delete_client_contact", {"id": 1})
        assert preview.structured_content is not None
        assert preview.structured_content["status"] == "confirmation_required"
        assert sandbox.store.get("client-contacts", 1) is not None  # nothing changed yet
        token = preview.structured_content["confirmation_token"]
        done = await client.call_tool("delete_client_contact", {"id": 1, "confirmation_token": token})
        assert done.structured_content is not None
        assert done.structured_content["status"] == "done"
        replay = await client.call_tool("delete_client_contact", {"id": 1, "confirmation_token": token})
    assert sandbox.store.get("client-contacts", 1) is None
    assert replay.is_error


async def test_a_client_that_can_elicit_is_asked_once_and_the_call_runs(url: str, sandbox: Sandbox) -> None:
    ask = answering("accept", confirm=True)
    async with over_http(url, "auto", elicitation_callback=ask) as client:
        result = await client.call_tool("delete_client_contact", {"id": 1})
    assert result.structured_content is not None
    assert result.structured_content["status"] == "done"
    assert len(ask.asked) == 1
    assert "Delete client contact" in ask.asked[0]
    assert "billing@acme.example" in ask.asked[0]
    assert sandbox.store.get("client-contacts", 1) is None


@pytest.mark.parametrize(("action", "confirm"), [("decline", None), ("accept", False), ("cancel", None)])
async def test_a_declined_elicitation_changes_nothing(
    url: str, sandbox: Sandbox, action: str, confirm: bool | None
) -> None:
    async with over_http(url, "auto", elicitation_callback=answering(action, confirm)) as client:
        result = await client.call_tool("delete_client_contact", {"id": 1})
    assert result.structured_content is not None
    assert result.structured_content["status"] == "declined"
    assert sandbox.store.get("client-contacts", 1) is not None


@pytest.mark.parametrize("mode", MODES)
async def test_progress_notifications_arrive_over_http(url: str, mode: str) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with over_http(url, mode) as client:
        result = await client.call_tool("receivables_aging", {}, progress_callback=on_progress)
    assert not result.is_error
    assert seen, "no progress notification reached the client"
    assert [progress for progress, *_ in seen] == sorted(progress for progress, *_ in seen)
