"""Fixtures: a seeded in-process sandbox and MCP servers built against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server
from tests.api_variants import ApiVariant

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox(api_variant: ApiVariant) -> Sandbox:
    return Sandbox(api_variant.sandbox_config(today=TODAY))


ServerFactory = Callable[..., MCPServer[Any]]


@pytest.fixture
def make_server(sandbox: Sandbox, tmp_path: Any, api_variant: ApiVariant) -> ServerFactory:
    def factory(**env: str) -> MCPServer[Any]:
        values = {
            **api_variant.env(),
            "FLOWTLY_BASE_URL": "http://sandbox.test",
            "FLOWTLY_API_TOKEN": sandbox.config.token,
            "FLOWTLY_TOOLSETS": "all",
            "FLOWTLY_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "FLOWTLY_DOWNLOAD_DIR": str(tmp_path / "downloads"),
            # The two-step token flow these tests drive; docs/approvals.md (auto is tested in tests/approvals).
            "FLOWTLY_CONFIRM": "agent",
        }
        values.update(env)
        return build_server(ServerSettings.from_env(values), transport=httpx2.ASGITransport(app=sandbox.app))

    return factory


def writes(sandbox: Sandbox) -> list[tuple[Any, ...]]:
    """Every mutating request the sandbox has served."""
    return [entry for entry in sandbox.request_log if entry[0] in ("POST", "PATCH", "PUT", "DELETE")]
