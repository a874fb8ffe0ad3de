"""The approved plan is the plan executed, and its cost stays linear: a confirmed batch of 1,000 payments.

1,000 incoming payments, each naming an open invoice (PLN and EUR, into the invoice's own account), are reconciled
with `reconcile_unmatched` (dry_run=false) through the in-memory MCP client against an in-process sandbox behind a
transport that waits 20 ms per request, like a network round trip (`bench.fixtures.LatencyTransport`). The sandbox
is set to ignore the `transaction` filter on invoice-transactions (SandboxConfig.ignored_filters), as a real API
may: every such listing returns every application. The preview reads everything matching needs; the confirmation
reads the payments' applications and the invoices its writes touch once for the whole batch, then writes.

Requests are counted at the sandbox; wall and CPU time (time.process_time: the sandbox runs in this process, so its
work is in both) are taken around each call. Each repetition starts from a freshly seeded sandbox.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import anyio
from mcp import Client
from mcp.types import CallToolResult

from bench import fixtures
from bench.model import Figure, SectionResult, Table, Target
from bench.stats import median
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.tools.reconciliation.batch_apply import WRITES_IN_FLIGHT

PAYMENTS = 1_000
LATENCY = 0.020
# Seed size with over PAYMENTS open invoices (about 50 per unit of size are open).
SIZE = 24.0
REPEATS = 3
# Confirm may cost at most the preview's requests plus the writes plus this many requests.
CONSTANT = 5
# The goal for the whole confirmation, reads and writes, per invoice-transaction written.
PER_RECORD_GOAL = 3.0
IGNORES_TRANSACTION = {"invoice-transactions": frozenset({"transaction"})}


def _sandbox() -> Sandbox:
    config = SandboxConfig(token=fixtures.TOKEN, today=fixtures.TODAY, size=SIZE, ignored_filters=IGNORES_TRANSACTION)
    return Sandbox(config)


def _plant_payments(sandbox: Sandbox) -> int:
    """One incoming transfer per open invoice, its number in the title and its open amount: a confident match."""
    views = [sandbox.world.view("invoices", record) for record in sandbox.store.all("invoices")]
    open_invoices = [
        view
        for view in views
        if view.get("status") != "draft" and view.get("bankAccount") and Decimal(str(view.get("openAmount") or 0)) > 0
    ][:PAYMENTS]
    day = (fixtures.TODAY - dt.timedelta(days=1)).isoformat() + "T00:00:00+00:00"
    with sandbox.store.batch():
        for index, view in enumerate(open_invoices):
            record: dict[str, Any] = {
                "id": f"txn_bench_{index}",
                "bankAccount": view["bankAccount"],
                "counterparty": None,
                "counterpartyName": "Klient",
                "counterpartyAccount": None,
                "description": f"Zaplata za fakture {view['name']}",
                "amount": str(view["openAmount"]),
                "orderDate": day,
                "execDate": day,
                "operationNumber": f"BENCH{index:06d}",
                "ignored": 0,
            }
            sandbox.store.insert("transactions", record)
    return len(open_invoices)


@dataclass(frozen=True)
class Call:
    requests: int
    reads: int
    writes: int
    listed_applications: int  # GET /invoice-transactions pages
    wall: float
    cpu: float


@dataclass(frozen=True)
class Run:
    planted: int
    applications: int  # invoice-transactions in the sandbox before the batch
    applied: int
    skipped: int
    preview: Call
    confirm: Call


def _call(log: list[tuple[Any, ...]], wall: float, cpu: float) -> Call:
    gets = [entry for entry in log if entry[0] == "GET"]
    return Call(
        requests=len(log),
        reads=len(gets),
        writes=len(log) - len(gets),
        listed_applications=sum(1 for entry in gets if entry[1] == "/invoice-transactions"),
        wall=wall,
        cpu=cpu,
    )


async def _measure(sandbox: Sandbox, planted: int) -> Run:
    server = fixtures.server(sandbox, delay=LATENCY, FLOWTLY_CONFIRM="agent")
    day = (fixtures.TODAY - dt.timedelta(days=1)).isoformat()
    arguments = {"date_from": day, "date_to": day, "dry_run": False}
    applications = len(sandbox.store.all("invoice-transactions"))
    async with Client(server) as client:
        first, preview = await _timed(client, sandbox, arguments)
        token = (first.structured_content or {})["confirmation_token"]
        done, confirm = await _timed(client, sandbox, {**arguments, "confirmation_token": token})
    result = (done.structured_content or {})["result"]
    return Run(planted, applications, len(result["applied"]), len(result["skipped"]), preview, confirm)


async def _timed(client: Client, sandbox: Sandbox, arguments: dict[str, Any]) -> tuple[CallToolResult, Call]:
    start, wall, cpu = len(sandbox.request_log), time.perf_counter(), time.process_time()
    answer = await client.call_tool("reconcile_unmatched", arguments)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not answer.is_error, answer.content
    return answer, _call(sandbox.request_log[start:], wall, cpu)


def _spread(values: list[float], unit: str, digits: int = 2) -> str:
    return f"min {min(values):.{digits}f} / median {median(values):.{digits}f} / max {max(values):.{digits}f} {unit}"


def run() -> SectionResult:
    result = SectionResult("confirm_cost", "Confirming an approved batch")
    runs: list[Run] = []
    for _ in range(REPEATS):
        sandbox = _sandbox()
        planted = _plant_payments(sandbox)
        runs.append(anyio.run(_measure, sandbox, planted))
        sandbox.close()
    last = runs[-1]
    confirm, preview = last.confirm, last.preview
    per_record = [r.confirm.requests / max(1, r.confirm.writes) for r in runs]
    bound = preview.requests + confirm.writes + CONSTANT
    how = (
        f"{last.planted:,} payments planted, {last.applied:,} applied, {last.skipped} skipped; {LATENCY * 1000:.0f} ms "
        f"per request; the sandbox ignores `transaction` on invoice-transactions ({last.applications:,} of them)"
    )
    result.add(
        Figure(
            "confirm_cost.requests_per_record",
            f"Requests per invoice-transaction written, confirming {last.planted:,} payments",
            median(per_record),
            "requests",
            Target("<=", PER_RECORD_GOAL),
            baseline=f"confirm: {confirm.requests:,} requests = {confirm.reads} reads + {confirm.writes:,} writes",
            note=f"{how}; {_spread(per_record, 'over ' + str(len(runs)) + ' runs')}",
        )
    )
    result.add(
        Figure(
            "confirm_cost.requests",
            "Requests to confirm the batch",
            confirm.requests,
            "requests",
            Target("<=", bound),
            baseline=f"preview: {preview.requests:,} requests ({preview.reads:,} reads)",
            note=f"bound = preview + writes + {CONSTANT}",
        )
    )
    result.add(
        Figure(
            "confirm_cost.reads",
            "Reads while confirming (applications and touched invoices, once per batch)",
            confirm.reads,
            "requests",
            Target("<=", preview.reads),
            baseline=f"preview reads: {preview.reads:,}",
            note=f"of which {confirm.listed_applications} pages of the unfiltered invoice-transactions, read once",
        )
    )
    walls = [r.confirm.wall for r in runs]
    preview_walls = [r.preview.wall for r in runs]
    result.add(
        Figure(
            "confirm_cost.wall",
            f"Wall time to confirm {last.planted:,} payments",
            median(walls),
            "s",
            baseline=f"preview of the same batch: {_spread(preview_walls, 's')}",
            note=f"confirm: {_spread(walls, 's')}; payments are written {WRITES_IN_FLIGHT} at a time",
        )
    )
    result.add(
        Figure(
            "confirm_cost.wall_ratio",
            "Confirm wall time / the preview's, same batch and run",
            median(walls) / median(preview_walls),
            "x",
            baseline=f"preview: {median(preview_walls):.2f} s for {preview.requests:,} requests",
            note=f"confirm: {median(walls):.2f} s for {confirm.requests:,} requests, {confirm.writes:,} of them writes",
        )
    )
    result.add(
        Figure(
            "confirm_cost.wall_per_record",
            "Confirm wall time per invoice-transaction written",
            median(walls) / max(1, confirm.writes) * 1000,
            "ms",
            baseline=f"one request alone waits {LATENCY * 1000:.0f} ms",
        )
    )
    result.tables.append(
        Table(
            f"Preview and confirmation of {last.planted:,} payments ({len(runs)} runs, median; wall min–max)",
            ["call", "requests", "reads", "writes", "wall", "CPU (this process, sandbox included)"],
            [
                [
                    name,
                    f"{median([float(getattr(r, name).requests) for r in runs]):,.0f}",
                    f"{median([float(getattr(r, name).reads) for r in runs]):,.0f}",
                    f"{median([float(getattr(r, name).writes) for r in runs]):,.0f}",
                    f"{median([getattr(r, name).wall for r in runs]):.2f} s "
                    f"({min(getattr(r, name).wall for r in runs):.2f}–{max(getattr(r, name).wall for r in runs):.2f})",
                    f"{median([getattr(r, name).cpu for r in runs]):.2f} s",
                ]
                for name in ("preview", "confirm")
            ],
        )
    )
    result.notes.append(
        "The sandbox runs in the benchmark's process: its own CPU (rendering pages, storing writes) is in the wall "
        "and CPU figures of both calls. The machine is shared; CPU time is less disturbed by load than wall time."
    )
    return result
