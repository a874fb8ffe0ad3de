"""ksef_status and sync_inbound_einvoices on the seeded account's planted KSeF states."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from mcp import Client

from flowtly_mcp.finance.identifiers import is_valid_ksef_number
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import GroundTruth, KsefState

from .conftest import TODAY, ServerFactory, body, error_text, writes

pytestmark = pytest.mark.anyio


async def test_a_rejected_invoice_shows_the_reason_and_what_to_do(
    make_server: ServerFactory, truth: GroundTruth
) -> None:
    rejection = truth.ksef_rejections[0]
    async with Client(make_server()) as client:
        status = body(await client.call_tool("ksef_status", {"invoice": rejection.invoice_id}))
    assert status["status"] == "rejected" and status["code"] == rejection.status_code
    assert status["reason"] == rejection.reason
    assert status["hint"] and status["ksef_number"] is None


async def test_an_accepted_invoice_shows_its_number_and_saves_the_upo(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    correction = truth.ksef_corrections[0]
    async with Client(make_server()) as client:
        status = body(await client.call_tool("ksef_status", {"invoice": correction.parent_id, "upo": True}))
    assert status["status"] == "success" and status["ksef_number"] == correction.parent_ksef_number
    assert is_valid_ksef_number(status["ksef_number"])
    saved = Path(status["upo"]["path"])
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == status["upo"]["sha256"]
    assert writes(sandbox) == []


async def test_an_unsent_invoice_says_so(make_server: ServerFactory, truth: GroundTruth) -> None:
    unsent = next(i for i, state in truth.ksef_states.items() if state == KsefState.NOT_SENT)
    async with Client(make_server()) as client:
        status = body(await client.call_tool("ksef_status", {"invoice": unsent}))
    assert status["status"] == "not_sent" and status["ksef_number"] is None


async def test_inbound_sync_returns_invoices_issued_in_the_range(sandbox: Sandbox, make_server: ServerFactory) -> None:
    start = TODAY - dt.timedelta(days=60)
    async with Client(make_server()) as client:
        synced = body(
            await client.call_tool(
                "sync_inbound_einvoices", {"date_from": start.isoformat(), "date_to": TODAY.isoformat(), "limit": 5}
            )
        )
    inbound = [
        r
        for r in sandbox.store.all("e-invoicing")
        if r.get("direction") == "inbound" and start <= dt.date.fromisoformat(str(r["issueDate"])[:10]) <= TODAY
    ]
    assert synced["total"] == len(inbound) > 5
    assert len(synced["invoices"]) == 5
    for item in synced["invoices"]:
        assert start <= dt.date.fromisoformat(item["issued"]) <= TODAY
        assert is_valid_ksef_number(item["ksef_number"])


@pytest.mark.parametrize(
    ("date_from", "date_to", "phrase"),
    [("2026-01-01", "2026-04-02", "3 months"), ("2026-03-01", "2026-02-01", "before date_from")],
)
async def test_inbound_sync_checks_the_range_before_asking(
    date_from: str, date_to: str, phrase: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server()) as client:
        refused = await client.call_tool("sync_inbound_einvoices", {"date_from": date_from, "date_to": date_to})
    text = error_text(refused)
    assert "date_to" in text and phrase in text
    assert sandbox.request_log == []
