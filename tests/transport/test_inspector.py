"""End to end with the MCP Inspector CLI against `flowtly-mcp --sandbox`, over stdio and over HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flowtly_mcp.sandbox import Sandbox, SandboxConfig

from ..prompts_resources.ledger import LEDGER, TODAY
from .conftest import CLIENT_TOKEN
from .inspector import ensure_inspector, run_inspector
from .servers import FLOWTLY_MCP, base_env, free_port, running

# Marked so that `-m "not slow"` skips it locally; CI runs everything.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def inspector() -> Path:
    return ensure_inspector()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.sqlite3"
    Sandbox(SandboxConfig(db_path=path, dataset=LEDGER, today=TODAY)).close()
    return path


@pytest.fixture(params=["stdio", "http"])
def target(request: pytest.FixtureRequest, database: Path, tmp_path: Path) -> Iterator[list[str]]:
    server = [FLOWTLY_MCP, "--sandbox", "--sandbox-db", str(database)]
    if request.param == "stdio":
        yield server
        return
    port = free_port()
    argv = [*server, "--transport", "http", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with running(argv, base_env(FLOWTLY_HTTP_TOKENS=CLIENT_TOKEN), tmp_path / "server.log", f"{url}/healthz"):
        yield [f"{url}/mcp", "--transport", "http", "--header", f"Authorization: Bearer {CLIENT_TOKEN}"]


@pytest.fixture
def inspect(inspector: Path, target: list[str], tmp_path: Path) -> Any:
    # The Inspector keeps a catalog of servers; keep it out of the user's home.
    env = base_env(MCP_CATALOG_PATH=str(tmp_path / "inspector-catalog.json"))

    def call(method: str, *options: str) -> dict[str, Any]:
        return run_inspector(inspector, target, method, *options, env=env)

    return call


def test_the_inspector_drives_the_server_end_to_end(inspect: Any) -> None:
    tools = {tool["name"]: tool for tool in inspect("tools/list")["tools"]}
    assert {"get_invoice", "top_debtors", "send_invoice_to_ksef", "search_tools", "execute_tool"} <= set(tools)
    assert tools["send_invoice_to_ksef"]["annotations"]["destructiveHint"] is True
    assert tools["get_invoice"]["annotations"]["readOnlyHint"] is True

    read = inspect("tools/call", "--tool-name", "get_invoice", "--tool-arg", "id=10")
    assert read["isError"] is False
    assert read["structuredContent"]["item"]["amount"] == "1845.00"

    guarded = inspect("tools/call", "--tool-name", "send_invoice_to_ksef", "--tool-arg", "invoice=11")
    # The default policy: a person approves; the Inspector (no elicitation) gets a pending approval's id only.
    assert guarded["structuredContent"]["status"] == "approval_required"
    assert guarded["structuredContent"]["approval_id"].startswith("apr_")
    assert "confirmation_token" not in guarded["structuredContent"]
    after = inspect("tools/call", "--tool-name", "get_invoice", "--tool-arg", "id=11")
    assert "ksefStatus" not in after["structuredContent"]["item"]  # nothing was sent

    prompt = inspect("prompts/get", "--prompt-name", "explain_invoice", "--prompt-args", "invoice=FV/2025/03/0001")
    text, attachment = (message["content"] for message in prompt["messages"])
    assert "# Explain invoice FV/2025/03/0001" in text["text"]
    assert attachment["type"] == "resource"
    assert attachment["resource"]["uri"] == "flowtly://invoices/10"

    invoice = inspect("resources/read", "--uri", "flowtly://invoices/10")["contents"][0]
    assert invoice["mimeType"] == "application/json"
    assert json.loads(invoice["text"])["name"] == "FV/2025/03/0001"

    pdf = inspect("resources/read", "--uri", "flowtly://invoices/13/pdf")["contents"][0]
    assert pdf["mimeType"] == "application/pdf"
    assert base64.b64decode(pdf["blob"]).startswith(b"%PDF")
