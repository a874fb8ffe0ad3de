"""Fixtures: the hand-made ledger in a sandbox, and the MCP server in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server
from tests.api_variants import ApiVariant

from .ledger import LEDGER, TODAY, TOKEN

BASE_URL = "http://sandbox.test"
MODES = ("auto", "legacy")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox(api_variant: ApiVariant) -> Iterator[Sandbox]:
    box = Sandbox(api_variant.sandbox_config(token=TOKEN, dataset=LEDGER, today=TODAY, ksef_steps=1))
    yield box
    box.close()


@pytest.fixture
def transport(sandbox: Sandbox) -> httpx2.ASGITransport:
    return httpx2.ASGITransport(app=sandbox.app)


@pytest.fixture
def server(transport: httpx2.ASGITransport, api_variant: ApiVariant) -> MCPServer[Any]:
    # The default toolsets: prompts and resources do not depend on which tools are listed, and building all of them
    # would only slow every test down.
    env = {"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": TOKEN, **api_variant.env()}
    return build_server(ServerSettings.from_env(env), transport=transport)


@pytest.fixture
async def api(transport: httpx2.ASGITransport, api_variant: ApiVariant) -> AsyncIterator[FlowtlyClient]:
    settings = ServerSettings.from_env({"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": TOKEN, **api_variant.env()})
    async with FlowtlyClient(settings.api, transport=transport) as client:
        yield client
