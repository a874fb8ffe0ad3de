"""Guards of the special tools under other confirmation paths: elicitation, and confirmation switched off."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitRequestParams, ElicitResult

from flowtly_mcp.sandbox import Sandbox

from .conftest import MODES, Arrange, ServerFactory, error_text, ok, writes

pytestmark = pytest.mark.anyio


def _answer(action: str) -> Any:
    async def callback(context: Any, params: ElicitRequestParams) -> ElicitResult:
        assert "FV/" in params.message and "369.00 PLN" in params.message
        return ElicitResult(action=action, content={"confirm": True} if action == "accept" else None)

    return callback


@pytest.mark.parametrize("mode", MODES)
async def test_elicitation_accept_sends_once_and_decline_sends_nothing(
    mode: str, sandbox: Sandbox, arrange: Arrange, make_server: ServerFactory
) -> None:
    declined_invoice, accepted_invoice = await arrange.invoice(), await arrange.invoice()
    before = len(writes(sandbox))
    async with Client(make_server(), mode=mode, elicitation_callback=_answer("decline")) as client:
        declined = ok(await client.call_tool("send_invoice_to_client", {"invoice": declined_invoice["id"]}))
    assert declined["status"] == "declined"
    assert len(writes(sandbox)) == before

    async with Client(make_server(), mode=mode, elicitation_callback=_answer("accept")) as client:
        done = ok(await client.call_tool("send_invoice_to_client", {"invoice": accepted_invoice["id"]}))
    assert done["status"] == "done" and done["result"]["item"]["sent"] is True
    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [("POST", f"/invoices/{accepted_invoice['id']}/send")]


@pytest.mark.parametrize("mode", MODES)
async def test_with_confirmation_off_ksef_refusals_still_hold(
    mode: str, sandbox: Sandbox, arrange: Arrange, make_server: ServerFactory
) -> None:
    draft = arrange.draft_invoice()
    fresh = await arrange.invoice()
    before = len(writes(sandbox))
    async with Client(make_server(FLOWTLY_CONFIRM="off"), mode=mode) as client:
        refused = error_text(
            await client.call_tool("send_invoices_to_ksef_bulk", {"invoices": [fresh["id"], draft["id"]]})
        )
        assert "draft" in refused
        assert len(writes(sandbox)) == before
        done = ok(await client.call_tool("send_invoice_to_ksef", {"invoice": fresh["id"]}))
    assert done["status"] == "done"
    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [
        ("POST", "/e-invoicing/ksef/session"),
        ("POST", f"/e-invoicing/invoices/{fresh['id']}/send"),
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_read_only_server_lists_special_reads_but_no_special_writes(
    mode: str, make_server: ServerFactory
) -> None:
    async with Client(make_server(FLOWTLY_READ_ONLY="true"), mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert {"download_einvoice", "search_clients", "export_transactions_mt940", "list_draft_invoices"} <= names
    writes = {"send_invoice_to_ksef", "import_transactions", "merge_counterparty_records", "detach_attachment"}
    assert not names & writes
