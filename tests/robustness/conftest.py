"""Fixtures: a seeded sandbox behind a fault-injecting transport, and MCP servers built on it.

The sandbox, the transport and the servers are shared by the tests of a module (building them takes seconds);
each test arms its own faults, which are cleared before the next, and judges the sandbox's request log only from
where it started (`since`). Retry waits are shortened through the client's own settings (a server asking for a
30 s pause must not make the suite wait 30 s); the retry rules themselves are the product's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.sandbox.seed import GroundTruth, SeedConfig, ground_truth
from flowtly_mcp.server import build_server

from .faults import FaultTransport

TODAY = dt.date(2026, 11, 16)
TOKEN = "robustness-api-token-5b1f0c2e"
MODES = ["auto", "legacy"]
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def seeded_sandbox(**overrides: Any) -> Sandbox:
    return Sandbox(dataclasses.replace(SandboxConfig(token=TOKEN, today=TODAY), **overrides))


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return seeded_sandbox()


@pytest.fixture(scope="session")
def truth() -> GroundTruth:
    """The answers planted in the seeded sandbox (same seed, size and day as `sandbox`)."""
    return ground_truth(SeedConfig(anchor=TODAY))


@pytest.fixture(scope="module")
def shared_wire(sandbox: Sandbox) -> FaultTransport:
    return FaultTransport(httpx2.ASGITransport(app=sandbox.app))


@pytest.fixture
def wire(shared_wire: FaultTransport) -> FaultTransport:
    """The module's transport with no fault armed and nothing seen yet."""
    shared_wire.clear()
    shared_wire.seen.clear()
    return shared_wire


def server_settings(tmp_path: Path, env: dict[str, str] | None = None, **api: Any) -> ServerSettings:
    values = {
        "FLOWTLY_BASE_URL": "http://sandbox.test",
        "FLOWTLY_API_TOKEN": TOKEN,
        "FLOWTLY_TOOLSETS": "all",
        "FLOWTLY_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "FLOWTLY_DOWNLOAD_DIR": str(tmp_path / "downloads"),
        # The two-step token flow these tests drive; docs/approvals.md (auto is tested in tests/approvals).
        "FLOWTLY_CONFIRM": "agent",
    }
    values.update(env or {})
    settings = ServerSettings.from_env(values)
    fast = {"max_retry_wait": 0.02, "retry_total_budget": 5.0} | api
    return settings.model_copy(update={"api": settings.api.model_copy(update=fast)})


ServerFactory = Callable[..., MCPServer[Any]]


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's servers keep their audit log and downloads."""
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def make_server(shared_wire: FaultTransport, server_dir: Path) -> ServerFactory:
    """`make_server(FLOWTLY_X="...", api_field=value)`: a server whose API client goes through the module's wire.

    Servers are built once per distinct configuration and reused: every client session gets its own lifespan.
    """
    built: dict[str, MCPServer[Any]] = {}
    directory = server_dir

    def factory(**env_and_api: Any) -> MCPServer[Any]:
        key = canonical(env_and_api)
        if key not in built:
            env = {k: str(v) for k, v in env_and_api.items() if k.startswith("FLOWTLY_")}
            api = {k: v for k, v in env_and_api.items() if not k.startswith("FLOWTLY_")}
            built[key] = build_server(server_settings(directory, env, **api), transport=shared_wire)
        return built[key]

    return factory


def writes(sandbox: Sandbox, since: int = 0) -> list[tuple[str, str, str, int]]:
    """Every mutating request the sandbox has served from position `since` of its log (whatever became of it)."""
    return [entry for entry in sandbox.request_log[since:] if entry[0] in WRITE_METHODS]


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def structured(result: CallToolResult) -> dict[str, Any]:
    body: dict[str, Any] | None = result.structured_content
    assert body is not None, text_of(result)
    return body


async def first_id(client: Client, list_tool: str, **arguments: Any) -> Any:
    listed = await client.call_tool(list_tool, {"limit": 1, **arguments})
    assert not listed.is_error, text_of(listed)
    items = structured(listed)["items"]
    assert items, f"{list_tool} found nothing in the seeded sandbox"
    return items[0]["id"]


async def confirmed_call(client: Client, tool: str, arguments: dict[str, Any]) -> CallToolResult:
    """Call a guarded tool the way an approving person would: preview, then the same call with the token."""
    preview = await client.call_tool(tool, arguments)
    body = preview.structured_content or {}
    if preview.is_error or body.get("status") != "confirmation_required":
        return preview
    return await client.call_tool(tool, {**arguments, "confirmation_token": body["confirmation_token"]})


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
