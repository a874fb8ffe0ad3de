"""The embedded sandbox of `flowtly-mcp --sandbox`: its database locked at start-up, the emulator built on first use.

A client lists tools long before it calls one, and many sessions never call one at all; loading the emulator (its
routes, rules and every record of the database, or seeding a new one) would delay the answer to `initialize` for
nothing. What must fail at start-up still does: the database file is opened and locked here, so a second process on
the same file, or a file that is not a sandbox database, is refused before the server answers anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import httpx2

from flowtly_mcp.sandbox.store import open_database

if TYPE_CHECKING:
    from flowtly_mcp.sandbox.app import Sandbox


class DeferredSandbox(httpx2.AsyncBaseTransport):
    """An HTTP transport to a sandbox on `db_path`, built when the first request arrives."""

    def __init__(self, token: str, db_path: Path) -> None:
        self._token = token
        self._db_path = db_path
        self._opened = open_database(db_path)  # DatabaseBusy / DatabaseUnusable now, at start-up
        self._sandbox: Sandbox | None = None
        self._transport: httpx2.ASGITransport | None = None
        self._building = anyio.Lock()

    @property
    def sandbox(self) -> Sandbox | None:
        """The sandbox, once a request has built it."""
        return self._sandbox

    def _build(self) -> Sandbox:
        from flowtly_mcp.sandbox.app import Sandbox
        from flowtly_mcp.sandbox.config import SandboxConfig

        return Sandbox(SandboxConfig(token=self._token, db_path=self._db_path), opened=self._opened)

    async def _ready(self) -> httpx2.ASGITransport:
        if self._transport is None:
            async with self._building:
                if self._transport is None:
                    # Seeding a new database takes seconds: off the event loop, so the server keeps answering.
                    self._sandbox = await anyio.to_thread.run_sync(self._build)
                    self._transport = httpx2.ASGITransport(app=self._sandbox.app)
        return self._transport

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        transport = await self._ready()
        return await transport.handle_async_request(request)
