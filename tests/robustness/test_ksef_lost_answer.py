"""Sending to KSeF when the answer goes missing: the server reads the invoice's KSeF state before anything else and
never sends the same invoice twice. A submission that arrived is followed to its result; one that did not arrive
is reported as safe to send again, and sending it again then works.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import GroundTruth, KsefState
from flowtly_mcp.server import build_server

from .conftest import MODES, confirmed_call, seeded_sandbox, server_settings, structured, text_of
from .faults import BreakMidBody, Fault, FaultTransport, Raise, StatusAfterServer, on_path_end

pytestmark = pytest.mark.anyio

TOOL = "send_invoice_to_ksef"


@dataclass
class Setup:
    sandbox: Sandbox
    wire: FaultTransport
    server: MCPServer[Any]


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    # Each test sends invoices for real, so each gets a sandbox of its own.
    sandbox = seeded_sandbox()
    wire = FaultTransport(httpx2.ASGITransport(app=sandbox.app))
    return Setup(sandbox, wire, build_server(server_settings(tmp_path), transport=wire))


async def _sendable(client: Client, truth: GroundTruth) -> str:
    """An invoice the seed left unsent that passes the preflight (its preview asks for confirmation)."""
    for invoice_id, state in sorted(truth.ksef_states.items()):
        if state is not KsefState.NOT_SENT:
            continue
        preview = await client.call_tool(TOOL, {"invoice": str(invoice_id)})
        if not preview.is_error and structured(preview)["status"] == "confirmation_required":
            return str(invoice_id)
    raise AssertionError("the seeded sandbox has no invoice ready for KSeF")


def _sends(sandbox: Sandbox, invoice_id: str) -> list[bool]:
    """One entry per send request the sandbox served: whether it was accepted."""
    path = f"/e-invoicing/invoices/{invoice_id}/send"
    return [status < 300 for method, p, _, status in sandbox.request_log if method == "POST" and p == path]


LOST_AFTER_ARRIVAL = [
    pytest.param(Raise(httpx2.ReadError, reaches_server=True), id="connection reset after the send"),
    pytest.param(StatusAfterServer(502), id="gateway error after the send"),
    pytest.param(BreakMidBody(httpx2.ReadTimeout), id="timeout while reading the answer"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", LOST_AFTER_ARRIVAL)
async def test_a_send_that_arrived_is_followed_not_repeated(
    fault: Fault, mode: str, setup: Setup, truth: GroundTruth
) -> None:
    async with Client(setup.server, mode=mode) as client:
        invoice = await _sendable(client, truth)
        setup.wire.inject(fault, on_path_end("POST", f"/{invoice}/send"))
        result = await confirmed_call(client, TOOL, {"invoice": invoice})
        assert not result.is_error, text_of(result)
        body = structured(result)
        assert body["status"] == "done"
        outcome = body["result"]
        assert outcome["invoice"] == invoice
        assert any("not sent again" in note for note in outcome["notes"]), outcome
        assert _sends(setup.sandbox, invoice) == [True], "exactly one send reached KSeF"

        # Asking again is refused by the preflight: the invoice is in KSeF now.
        again = await confirmed_call(client, TOOL, {"invoice": invoice})
        assert again.is_error, text_of(again)
        assert "already" in text_of(again).lower()
        assert _sends(setup.sandbox, invoice) == [True]


@pytest.mark.parametrize("mode", MODES)
async def test_a_send_that_never_arrived_is_safe_to_repeat(mode: str, setup: Setup, truth: GroundTruth) -> None:
    async with Client(setup.server, mode=mode) as client:
        invoice = await _sendable(client, truth)
        setup.wire.inject(Raise(httpx2.ReadError), on_path_end("POST", f"/{invoice}/send"))
        lost = await confirmed_call(client, TOOL, {"invoice": invoice})
        text = text_of(lost)
        assert lost.is_error, text
        assert "did not reach ksef" in text.lower() and "safe to send it again" in text.lower()
        assert _sends(setup.sandbox, invoice) == [], "nothing reached KSeF"

        resent = await confirmed_call(client, TOOL, {"invoice": invoice})
        assert not resent.is_error, text_of(resent)
        assert structured(resent)["status"] == "done"
        assert _sends(setup.sandbox, invoice) == [True]
