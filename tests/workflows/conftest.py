"""Fixtures for the workflow tools: the seeded sandbox with its ground truth, servers against it, call helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import GroundTruth, SeedConfig, ground_truth
from flowtly_mcp.server import build_server
from tests.api_variants import ApiVariant

TODAY = dt.date(2026, 11, 16)
MODES = ["auto", "legacy"]
ServerFactory = Callable[..., MCPServer[Any]]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox(api_variant: ApiVariant) -> Sandbox:
    """The seeded demo account, on a fixed day so that every planted case is where the ground truth says."""
    return Sandbox(api_variant.sandbox_config(today=TODAY))


@pytest.fixture(scope="session")
def truth() -> GroundTruth:
    return ground_truth(SeedConfig(anchor=TODAY))


def server_for(sandbox: Sandbox, tmp_path: Any, transport: httpx2.AsyncBaseTransport | None = None, **env: str) -> Any:
    values = {
        "FLOWTLY_BASE_URL": "http://sandbox.test",
        "FLOWTLY_API_TOKEN": sandbox.config.token,
        "FLOWTLY_TOOLSETS": "all",
        "FLOWTLY_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "FLOWTLY_DOWNLOAD_DIR": str(tmp_path / "downloads"),
        # The two-step token flow these tests drive; docs/approvals.md (auto is tested in tests/approvals).
        "FLOWTLY_CONFIRM": "agent",
    }
    values.update(env)
    return build_server(ServerSettings.from_env(values), transport=transport or httpx2.ASGITransport(app=sandbox.app))


class CurrentSandbox:
    """An ASGI app that forwards to the sandbox of the running test.

    Building a server with every tool takes about a second, so servers are built once per worker and reach each
    test's fresh sandbox through this forwarder.
    """

    def __init__(self) -> None:
        self.target: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.target(scope, receive, send)


@pytest.fixture(scope="session")
def shared_servers(tmp_path_factory: pytest.TempPathFactory) -> tuple[CurrentSandbox, dict[Any, Any], Any]:
    return CurrentSandbox(), {}, tmp_path_factory.mktemp("workflow-servers")


@pytest.fixture
def make_server(
    sandbox: Sandbox,
    tmp_path: Any,
    shared_servers: tuple[CurrentSandbox, dict[Any, Any], Any],
    api_variant: ApiVariant,
) -> ServerFactory:
    current, cache, session_dir = shared_servers
    current.target = sandbox.app

    def factory(transport: httpx2.AsyncBaseTransport | None = None, **given: str) -> MCPServer[Any]:
        env = {**api_variant.env(), **given}
        if transport is not None:  # a test's own wrapper around this sandbox: a server of its own
            return server_for(sandbox, tmp_path, transport, **env)  # type: ignore[no-any-return]
        key = (sandbox.config.token, tuple(sorted(env.items())))
        if key not in cache:
            cache[key] = server_for(sandbox, session_dir, httpx2.ASGITransport(app=current), **env)
        return cache[key]  # type: ignore[no-any-return]

    return factory


def writes(sandbox: Sandbox) -> list[tuple[Any, ...]]:
    """Every mutating request the sandbox has served, in order."""
    return [entry for entry in sandbox.request_log if entry[0] in ("POST", "PATCH", "PUT", "DELETE")]


def body(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


def error_text(result: CallToolResult) -> str:
    assert result.is_error, result.structured_content
    return " ".join(getattr(part, "text", "") for part in result.content)


async def confirmed(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a guarded tool twice, the way a client without elicitation does: preview, then the token."""
    first = body(await client.call_tool(tool, arguments))
    assert first["status"] == "confirmation_required", first
    done = body(await client.call_tool(tool, {**arguments, "confirmation_token": first["confirmation_token"]}))
    assert done["status"] == "done", done
    return dict(done["result"])


def invoice_view(sandbox: Sandbox, invoice_id: int | str) -> dict[str, Any]:
    """An invoice as the sandbox derives it (amount from rows, openAmount from the payments applied)."""
    record = sandbox.store.get("invoices", invoice_id)
    assert record is not None, invoice_id
    return sandbox.world.view("invoices", record)


def applied_to(sandbox: Sandbox, transaction_id: str) -> list[dict[str, Any]]:
    iri = f"/api/transactions/{transaction_id}"
    return [r for r in sandbox.store.all("invoice-transactions") if r.get("transaction") == iri]
