"""The approved plan is the plan executed: requests of a reconciliation batch's preview vs its confirmation.

200 incoming payments, each naming an open invoice, are reconciled with `reconcile_unmatched` (dry_run=false)
through the in-memory MCP client against an in-process sandbox. The preview reads everything matching needs; the
confirmation re-reads only the records the plan touches (one sweep for the whole batch, never one read per payment)
and then writes. Requests are counted at the sandbox.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import anyio
import httpx2
from mcp import Client

from bench.model import Figure, SectionResult, Target
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

PAYMENTS = 200
ANCHOR = dt.date(2026, 11, 16)
# Seed size with well over PAYMENTS open PLN invoices.
SIZE = 6.0
# Confirm may cost at most the preview's reads plus the writes plus this many requests.
CONSTANT = 5


def _plant_payments(sandbox: Sandbox) -> int:
    """One incoming transfer per open invoice, its number in the title and its open amount: a confident match."""
    views = [sandbox.world.view("invoices", record) for record in sandbox.store.all("invoices")]
    open_invoices = [
        view
        for view in views
        if view.get("status") != "draft"
        and view.get("currency") == "PLN"
        and Decimal(str(view.get("openAmount") or 0)) > 0
        and not view.get("invoiceTransactions")
    ][:PAYMENTS]
    day = (ANCHOR - dt.timedelta(days=1)).isoformat() + "T00:00:00+00:00"
    with sandbox.store.batch():
        for index, view in enumerate(open_invoices):
            record: dict[str, Any] = {
                "id": f"txn_bench_{index}",
                "bankAccount": "PL71114951499912677807725127",
                "counterparty": None,
                "counterpartyName": "Klient",
                "counterpartyAccount": None,
                "description": f"Zaplata za fakture {view['name']}",
                "amount": str(view["openAmount"]),
                "currency": "PLN",
                "orderDate": day,
                "execDate": day,
                "operationNumber": f"BENCH{index:06d}",
                "ignored": 0,
            }
            sandbox.store.insert("transactions", record)
    return len(open_invoices)


async def _measure(sandbox: Sandbox) -> dict[str, int]:
    env = {
        "FLOWTLY_BASE_URL": "http://sandbox.test",
        "FLOWTLY_API_TOKEN": sandbox.config.token,
        "FLOWTLY_TOOLSETS": "all",
        "FLOWTLY_CONFIRM": "agent",
    }
    server = build_server(ServerSettings.from_env(env), transport=httpx2.ASGITransport(app=sandbox.app))
    day = (ANCHOR - dt.timedelta(days=1)).isoformat()
    arguments = {"date_from": day, "date_to": day, "dry_run": False}
    async with Client(server) as client:
        start = len(sandbox.request_log)
        first = await client.call_tool("reconcile_unmatched", arguments)
        preview = sandbox.request_log[start:]
        token = (first.structured_content or {})["confirmation_token"]
        start = len(sandbox.request_log)
        done = await client.call_tool("reconcile_unmatched", {**arguments, "confirmation_token": token})
        confirm = sandbox.request_log[start:]
    assert not done.is_error, done.content
    applied = len((done.structured_content or {})["result"]["applied"])
    return {
        "applied": applied,
        "preview": len(preview),
        "preview_reads": sum(1 for entry in preview if entry[0] == "GET"),
        "confirm": len(confirm),
        "confirm_reads": sum(1 for entry in confirm if entry[0] == "GET"),
        "writes": sum(1 for entry in confirm if entry[0] != "GET"),
    }


def run() -> SectionResult:
    result = SectionResult("confirm_cost", "Confirming an approved batch")
    sandbox = Sandbox(SandboxConfig(today=ANCHOR, size=SIZE))
    planted = _plant_payments(sandbox)
    counts = anyio.run(_measure, sandbox)
    bound = counts["preview"] + counts["writes"] + CONSTANT
    result.add(
        Figure(
            "confirm_cost.requests",
            f"Requests to confirm a batch of {planted} payments ({counts['applied']} applied)",
            counts["confirm"],
            "requests",
            Target("<=", bound),
            baseline=f"preview: {counts['preview']} requests ({counts['preview_reads']} reads)",
            note=f"{counts['confirm_reads']} reads + {counts['writes']} writes; bound = preview + writes + {CONSTANT}",
        )
    )
    result.add(
        Figure(
            "confirm_cost.reads",
            "Reads while confirming (the plan's records, one sweep per batch)",
            counts["confirm_reads"],
            "requests",
            Target("<=", counts["preview_reads"]),
            baseline=f"preview reads: {counts['preview_reads']}",
        )
    )
    return result
