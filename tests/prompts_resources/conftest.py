"""Fixtures: the hand-made ledger in a sandbox, and the MCP server in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

from .ledger import LEDGER, TODAY, TOKEN

BASE_URL = "http://sandbox.test"
MODES = ("auto", "legacy")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(SandboxConfig(token=TOKEN, dataset=LEDGER, today=TODAY, ksef_steps=1))
    yield box
    box.close()


@pytest.fixture
def transport(sandbox: Sandbox) -> httpx2.ASGITransport:
    return httpx2.ASGITransport(app=sandbox.app)


@pytest.fixture
def server(transport: httpx2.ASGITransport) -> MCPServer[Any]:
    # The default toolsets: prompts and resources do not depend on which tools are listed, and building all of them
    # would only slow every test down.
    settings = ServerSettings.from_env({"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": TOKEN})
    return build_server(settings, transport=transport)


@pytest.fixture
async def api(transport: httpx2.ASGITransport) -> AsyncIterator[FlowtlyClient]:
    async with FlowtlyClient(ApiSettings(base_url=BASE_URL, token=TOKEN), transport=transport) as client:
        yield client
