"""Fixtures: a seeded in-process sandbox, MCP clients in both protocol modes, and helpers to arrange and inspect data.

Data a test needs is arranged through the sandbox's own HTTP API (the other side of the wire), never by calling
the code under test; outcomes are read from the sandbox's store and request log.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server
from tests.api_variants import ApiVariant

TODAY = dt.date(2026, 11, 16)
MODES = ["auto", "legacy"]
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class CurrentSandbox:
    """An ASGI app that forwards to the sandbox of the running test.

    Building a server with every tool takes about a second, so servers are built once per session and reach each
    test's fresh sandbox through this forwarder.
    """

    def __init__(self) -> None:
        self.target: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.target(scope, receive, send)


@pytest.fixture(scope="session")
def current_sandbox() -> CurrentSandbox:
    return CurrentSandbox()


@pytest.fixture(scope="session")
def seed_dataset() -> Any:
    # The generated seed (deterministic for a seed and a day), built once and copied for each test.
    seed = importlib.import_module("flowtly_mcp.sandbox.seed")
    return seed.build_dataset(seed.SeedConfig(seed=SandboxConfig().seed, size=1.0, anchor=TODAY))


@pytest.fixture
def sandbox(current_sandbox: CurrentSandbox, seed_dataset: Any, api_variant: ApiVariant) -> Sandbox:
    fresh = Sandbox(api_variant.sandbox_config(today=TODAY, dataset=copy.deepcopy(seed_dataset)))
    current_sandbox.target = fresh.app
    return fresh


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("special-tools")


@pytest.fixture
def download_dir(session_dir: Path) -> Path:
    """The servers' download directory, emptied before each test."""
    directory = session_dir / "downloads"
    if directory.exists():
        shutil.rmtree(directory)
    return directory


@pytest.fixture
def upload_dir(session_dir: Path) -> Path:
    """The servers' upload directory (FLOWTLY_UPLOAD_DIR), emptied before each test."""
    directory = session_dir / "uploads"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir()
    return directory


async def confirmed(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The result of a guarded call approved with its token."""
    return (await confirm(client, tool, arguments))[1]["result"]  # type: ignore[no-any-return]


ServerFactory = Callable[..., MCPServer[Any]]


@pytest.fixture(scope="session")
def server_cache(current_sandbox: CurrentSandbox, session_dir: Path) -> ServerFactory:
    servers: dict[tuple[tuple[str, str], ...], MCPServer[Any]] = {}

    def factory(**env: str) -> MCPServer[Any]:
        key = tuple(sorted(env.items()))
        if key not in servers:
            values = {
                "FLOWTLY_BASE_URL": "http://sandbox.test",
                "FLOWTLY_API_TOKEN": SandboxConfig().token,
                "FLOWTLY_TOOLSETS": "all",
                "FLOWTLY_AUDIT_LOG": str(session_dir / "audit.jsonl"),
                "FLOWTLY_DOWNLOAD_DIR": str(session_dir / "downloads"),
                # The two-step token flow these tests drive; docs/approvals.md (auto is tested in tests/approvals).
                "FLOWTLY_CONFIRM": "agent",
                "FLOWTLY_UPLOAD_DIR": str(session_dir / "uploads"),
                **env,
            }
            settings = ServerSettings.from_env(values)
            servers[key] = build_server(settings, transport=httpx2.ASGITransport(app=current_sandbox))
        return servers[key]

    return factory


@pytest.fixture
def make_server(
    sandbox: Sandbox, download_dir: Path, server_cache: ServerFactory, api_variant: ApiVariant
) -> ServerFactory:
    """An MCP server on this test's sandbox with every toolset; keyword arguments override environment settings."""

    def factory(**env: str) -> MCPServer[Any]:
        return server_cache(**{**api_variant.env(), **env})

    return factory


@pytest.fixture(params=MODES)
async def client(request: pytest.FixtureRequest, make_server: ServerFactory) -> AsyncIterator[Client]:
    """A client without elicitation: guarded tools answer with a preview and a confirmation token."""
    async with Client(make_server(), mode=request.param) as connected:
        yield connected


def ok(result: CallToolResult) -> dict[str, Any]:
    """The structured content of a successful call."""
    assert not result.is_error, result.content
    content: dict[str, Any] | None = result.structured_content
    assert content is not None
    return content


def error_text(result: CallToolResult) -> str:
    assert result.is_error, result.structured_content
    text = result.content[0].text  # type: ignore[union-attr]
    assert isinstance(text, str)
    return text


def writes(sandbox: Sandbox) -> list[tuple[str, str, str, int]]:
    """Every mutating request the sandbox has served."""
    return [entry for entry in sandbox.request_log if entry[0] in WRITE_METHODS]


async def confirm(client: Client, tool: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Call a guarded tool twice: the preview (asserted to change nothing is up to the caller), then with its token."""
    first = ok(await client.call_tool(tool, arguments))
    assert first["status"] == "confirmation_required", first
    done = ok(await client.call_tool(tool, {**arguments, "confirmation_token": first["confirmation_token"]}))
    assert done["status"] == "done", done
    return first, done


class Arrange:
    """Sets up records through the sandbox's HTTP API, as another Flowtly user would."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def send(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.sandbox.config.token}", "Accept": "application/ld+json"}
        if body is not None:
            headers["Content-Type"] = "application/ld+json"
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.sandbox.app), base_url="http://sandbox.test"
        ) as http:
            response = await http.request(method, path, json=body, headers=headers)
        assert response.status_code < 400, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    async def raw(self, path: str) -> bytes:
        headers = {"Authorization": f"Bearer {self.sandbox.config.token}", "Accept": "*/*"}
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.sandbox.app), base_url="http://sandbox.test"
        ) as http:
            response = await http.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    def billable_client(self) -> dict[str, Any]:
        """A seeded client KSeF accepts (street and city) with a billing or primary e-mail contact."""
        store = self.sandbox.store
        with_mail = {
            c["client"]
            for c in store.all("client-contacts")
            if c.get("email") and c.get("type") in ("billing", "primary")
        }
        for client in store.all("clients"):
            iri = f"/api/clients/{client['id']}"
            if client.get("addressStreetLine") and client.get("addressCity") and iri in with_mail:
                return client
        raise AssertionError("the seed has no client with an address and a contact e-mail")

    async def invoice(self, *, status: str = "issued", client: dict[str, Any] | None = None) -> dict[str, Any]:
        """A new invoice of 2 × 150.00 net at 23 % (369.00 gross), issued today."""
        buyer = client or self.billable_client()
        body = {
            "client": f"/api/clients/{buyer['id']}",
            "issueDate": TODAY.isoformat(),
            "dueDate": (TODAY + dt.timedelta(days=14)).isoformat(),
            "status": status,
            "invoiceRows": [
                {"productName": "Consulting", "quantity": 2, "unit": "h", "netPrice": "150.00", "vatRate": "23"}
            ],
        }
        created: dict[str, Any] = await self.send("POST", "/invoices", body)
        return created

    async def read(self, path: str) -> dict[str, Any]:
        found: dict[str, Any] = await self.send("GET", path)
        return found

    def outbound_state(self, invoice_id: int | str) -> dict[str, Any] | None:
        """The sandbox's stored KSeF state of an invoice, if it was sent."""
        iri = f"/api/invoices/{invoice_id}"
        states = [
            e
            for e in self.sandbox.store.all("e-invoicing")
            if e.get("invoice") == iri and e.get("direction") == "outbound"
        ]
        return states[-1] if states else None

    def ksef_registered_invoice(self) -> dict[str, Any]:
        """A seeded VAT invoice KSeF accepted (it has a KSeF number)."""
        for state in self.sandbox.store.all("e-invoicing"):
            if state.get("direction") == "outbound" and state.get("einvoicingNumber"):
                invoice = self.sandbox.store.get("invoices", str(state["invoice"]).rsplit("/", 1)[-1])
                if invoice is not None and invoice.get("type") == "VAT":
                    return invoice
        raise AssertionError("the seed has no invoice registered in KSeF")

    def draft_invoice(self) -> dict[str, Any]:
        return next(i for i in self.sandbox.store.all("invoices") if i.get("status") == "draft")

    def inbound_state(self) -> dict[str, Any]:
        return next(e for e in self.sandbox.store.all("e-invoicing") if e.get("direction") == "inbound")


@pytest.fixture
def arrange(sandbox: Sandbox) -> Arrange:
    return Arrange(sandbox)
