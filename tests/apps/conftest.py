"""Fixtures for the MCP Apps views: the seeded sandbox on a fixed day, and the real server in front of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(SandboxConfig(today=TODAY))


@pytest.fixture
def server(sandbox: Sandbox, tmp_path: Path) -> MCPServer[Any]:
    """The whole server (every toolset) against the in-process sandbox."""
    settings = ServerSettings.from_env(
        {
            "FLOWTLY_BASE_URL": "http://sandbox.test",
            "FLOWTLY_API_TOKEN": sandbox.config.token,
            "FLOWTLY_TOOLSETS": "all",
            "FLOWTLY_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "FLOWTLY_DOWNLOAD_DIR": str(tmp_path / "downloads"),
        }
    )
    return build_server(settings, transport=httpx2.ASGITransport(app=sandbox.app))
