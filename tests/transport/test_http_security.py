"""The HTTP transport's guards, on a real uvicorn listening on loopback: tokens, Host, Origin, metadata."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.types import ASGIApp, Receive, Scope, Send

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.transport.http import build_app
from flowtly_mcp.transport.settings import HttpSettings

from ..prompts_resources.ledger import TOKEN
from .conftest import CLIENT_TOKEN, MODES, mcp_server
from .servers import serving

pytestmark = pytest.mark.anyio

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def protected(**settings: Any) -> HttpSettings:
    return HttpSettings.from_env({"FLOWTLY_HTTP_TOKENS": f"{CLIENT_TOKEN},second-token"}, **settings)


@pytest.fixture
async def url(sandbox: Sandbox) -> AsyncIterator[str]:
    async with serving(build_app(mcp_server(sandbox), protected())) as base:
        yield base


def authorised(token: str = CLIENT_TOKEN, **headers: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}", **headers}, timeout=60.0)


def challenge_params(header: str) -> dict[str, str]:
    assert header.startswith("Bearer ")
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


async def test_no_token_is_challenged_with_the_metadata_url(url: str) -> None:
    async with httpx2.AsyncClient() as http:
        answer = await http.post(f"{url}/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        assert answer.status_code == 401
        params = challenge_params(answer.headers["www-authenticate"])
        assert "error" not in params  # RFC 6750: no error code when no credentials were sent
        assert params["resource_metadata"] == f"{url}/.well-known/oauth-protected-resource/mcp"
        metadata = await http.get(params["resource_metadata"])
    assert metadata.status_code == 200
    assert metadata.json() == {
        "resource": f"{url}/mcp",
        "bearer_methods_supported": ["header"],
        "resource_name": "Flowtly MCP server",
    }


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", f"Basic {CLIENT_TOKEN}", f"Bearer {CLIENT_TOKEN}x"])
async def test_a_wrong_token_is_refused(url: str, authorization: str) -> None:
    async with httpx2.AsyncClient() as http:
        answer = await http.post(f"{url}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": authorization})
    assert answer.status_code == 401
    params = challenge_params(answer.headers["www-authenticate"])
    if authorization.startswith("Bearer"):
        assert params["error"] == "invalid_token"
    assert answer.json()["error"] in ("invalid_token", "unauthorized")


@pytest.mark.parametrize("token", [CLIENT_TOKEN, "second-token"])
async def test_each_configured_token_opens_the_server(url: str, token: str) -> None:
    async with authorised(token) as http:
        answer = await http.post(f"{url}/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    assert answer.status_code == 200
    assert "flowtly-mcp" in answer.text


async def test_a_foreign_host_is_misdirected_before_any_token_check(url: str) -> None:
    async with authorised() as http:
        with_token = await http.post(f"{url}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "evil.example"})
    async with httpx2.AsyncClient() as http:
        without_token = await http.post(f"{url}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "evil.example"})
        metadata = await http.get(f"{url}/.well-known/oauth-protected-resource/mcp", headers={"Host": "evil.example"})
    assert (with_token.status_code, without_token.status_code, metadata.status_code) == (421, 421, 421)


async def test_a_foreign_origin_is_forbidden_and_a_local_one_allowed(url: str) -> None:
    port = url.rsplit(":", 1)[1]
    async with authorised() as http:
        foreign = await http.post(
            f"{url}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "https://evil.example"}
        )
        local = await http.post(
            f"{url}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": f"http://localhost:{port}"}
        )
    assert foreign.status_code == 403
    assert local.status_code == 200


async def test_health_needs_neither_token_nor_our_host(url: str) -> None:
    async with httpx2.AsyncClient() as http:
        answer = await http.get(f"{url}/healthz", headers={"Host": "10.0.0.9:8000"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


async def test_public_url_is_what_the_challenge_and_metadata_name(sandbox: Sandbox) -> None:
    settings = protected(public_url="https://mcp.example.com/flowtly/mcp")
    async with serving(build_app(mcp_server(sandbox), settings)) as url, httpx2.AsyncClient() as http:
        answer = await http.post(f"{url}/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        metadata = await http.get(f"{url}/.well-known/oauth-protected-resource/flowtly/mcp")
        proxied_host = await http.get(f"{url}/healthz", headers={"Host": "mcp.example.com"})
    expected = "https://mcp.example.com/.well-known/oauth-protected-resource/flowtly/mcp"
    assert challenge_params(answer.headers["www-authenticate"])["resource_metadata"] == expected
    assert metadata.json()["resource"] == "https://mcp.example.com/flowtly/mcp"
    assert proxied_host.status_code == 200


@pytest.mark.parametrize("mode", MODES)
async def test_mcp_clients_with_a_token_work_in_both_protocol_modes(url: str, mode: str) -> None:
    async with Client(streamable_http_client(f"{url}/mcp", http_client=authorised()), mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("get_invoice", {"id": 10})
    assert {"get_invoice", "top_debtors", "search_tools"} <= names
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["item"]["name"] == "FV/2025/03/0001"


class HeaderRecorder:
    """Wraps the sandbox's app and keeps the Authorization header of every request Flowtly receives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            self.seen.append(headers.get(b"authorization", b"").decode())
        await self.app(scope, receive, send)


@pytest.mark.parametrize("mode", MODES)
async def test_the_clients_token_never_reaches_flowtly(sandbox: Sandbox, mode: str) -> None:
    recorder = HeaderRecorder(sandbox.app)
    app = build_app(mcp_server(sandbox, recorder), protected())
    async with (
        serving(app) as url,
        Client(streamable_http_client(f"{url}/mcp", http_client=authorised()), mode=mode) as client,
    ):
        await client.call_tool("get_invoice", {"id": 10})
        await client.read_resource("flowtly://clients/1")
    assert recorder.seen
    assert set(recorder.seen) == {f"Bearer {TOKEN}"}  # the server's own Flowtly credentials, every time


async def test_without_tokens_only_loopback_connections_are_served(sandbox: Sandbox) -> None:
    app = build_app(mcp_server(sandbox), HttpSettings())
    # The ASGI scope's "server" is the connection's local address: here one on a LAN interface.
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://10.1.2.3:8000") as http:
        refused = await http.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "127.0.0.1:8000"})
    assert refused.status_code == 403
    assert "FLOWTLY_HTTP_TOKENS" in refused.text
    async with (
        serving(build_app(mcp_server(sandbox), HttpSettings())) as url,
        Client(f"{url}/mcp", mode="legacy") as client,
    ):
        assert (await client.call_tool("get_invoice", {"id": 10})).structured_content is not None
