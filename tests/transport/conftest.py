"""Fixtures for the transport tests: the hand-made ledger in a sandbox, and settings for servers in front of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

from ..prompts_resources.ledger import LEDGER, TODAY, TOKEN

BASE_URL = "http://sandbox.test"
CLIENT_TOKEN = "client-bearer-5b9e1d0c7a4f4e0f9d1c"
MODES = ("auto", "legacy")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(SandboxConfig(token=TOKEN, dataset=LEDGER, today=TODAY, ksef_steps=1))
    yield box
    box.close()


def server_settings(**env: str) -> ServerSettings:
    # The two-step token flow these tests drive (docs/approvals.md); auto is tested in tests/approvals.
    return ServerSettings.from_env(
        {"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": TOKEN, "FLOWTLY_CONFIRM": "agent", **env}
    )


def mcp_server(sandbox: Sandbox, app: Any = None, **env: str) -> MCPServer[Any]:
    """The MCP server talking to `sandbox` in process (through `app` when it wraps the sandbox's app)."""
    return build_server(server_settings(**env), transport=httpx2.ASGITransport(app=app or sandbox.app))
