"""The systems under measurement: a seeded in-process sandbox, the MCP server and API client wired to it.

Latency is injected at the transport (`LatencyTransport`), the only place a real network would add it; everything
above it is the product's own code.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio
import httpx2
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

BASE_URL = "http://sandbox.bench"
TOKEN = "bench-token"
# The seed's anchor day: fixed, so that every run ages and pages the same data.
TODAY = date(2026, 11, 16)
# The seed grows by about 426 invoices per unit of size.
INVOICES_PER_SIZE = 426


def size_for_invoices(invoices: int) -> float:
    return round(invoices / INVOICES_PER_SIZE + 0.5, 1)


def sandbox(size: float = 1.0) -> Sandbox:
    return Sandbox(SandboxConfig(token=TOKEN, today=TODAY, size=size))


class LatencyTransport(httpx2.AsyncBaseTransport):
    """Waits `delay` seconds before each request reaches the wrapped transport, like a network round trip."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.requests = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        await anyio.sleep(self.delay)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def transport(box: Sandbox, delay: float = 0.0) -> httpx2.AsyncBaseTransport:
    inner = httpx2.ASGITransport(app=box.app)
    return LatencyTransport(inner, delay) if delay > 0 else inner


def environment(**extra: str) -> dict[str, str]:
    return {"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": TOKEN} | extra


def server(box: Sandbox, *, delay: float = 0.0, toolsets: str = "all", **env: str) -> MCPServer[Any]:
    return server_on(transport(box, delay), toolsets=toolsets, **env)


def server_on(
    wire: httpx2.AsyncBaseTransport, *, base_url: str = BASE_URL, toolsets: str = "all", **env: str
) -> MCPServer[Any]:
    """The MCP server over any transport (an in-process sandbox, or a real connection to one elsewhere)."""
    settings = ServerSettings.from_env(environment(FLOWTLY_BASE_URL=base_url, FLOWTLY_TOOLSETS=toolsets, **env))
    return build_server(settings, transport=wire)


def api_settings(**overrides: Any) -> ApiSettings:
    return ApiSettings.from_env(environment(), **overrides)


def api_client(box: Sandbox, *, delay: float = 0.0, **overrides: Any) -> FlowtlyClient:
    return FlowtlyClient(api_settings(**overrides), transport=transport(box, delay))
