"""The streamable HTTP transport under load: 50 concurrent MCP clients making 40 tool calls each.

The server is the project's own `flowtly-mcp --sandbox --transport http`, spawned on 127.0.0.1 with a free port and
stopped at the end; the run is bounded in time and stops by itself. One client alone, making the same calls first,
gives the unloaded latency the loaded figures are compared with.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client

from bench.model import Figure, SectionResult, Table
from bench.processes import command_line, flowtly_command, free_port, isolated_env, serving
from bench.stats import median, percentile

CLIENTS = 50
CALLS = 40
HOST = "127.0.0.1"
TOOL = "get_invoice"
INVOICE_IDS = 40
TIME_LIMIT = 150.0


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []


async def _client(url: str, offset: int, tally: Tally) -> None:
    try:
        async with Client(url) as client:
            for call in range(CALLS):
                invoice = (offset + call) % INVOICE_IDS + 1
                started = time.perf_counter()
                try:
                    result = await client.call_tool(TOOL, {"id": str(invoice)})
                except Exception as problem:  # a failed call is a measurement, not a crash of the benchmark
                    tally.errors.append(f"{type(problem).__name__}: {problem}")
                    continue
                tally.latencies.append(time.perf_counter() - started)
                if result.is_error:
                    tally.errors.append(f"isError: {result.content[:1]}")
    except Exception as problem:
        tally.errors.append(f"connection: {type(problem).__name__}: {problem}")


async def _load(url: str) -> tuple[Tally, Tally, float]:
    alone = Tally()
    loaded = Tally()
    with anyio.fail_after(TIME_LIMIT):
        await _client(url, 0, alone)
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for number in range(CLIENTS):
                group.start_soon(_client, url, number, loaded)
        wall = time.perf_counter() - started
    return alone, loaded, wall


def run() -> SectionResult:
    result = SectionResult("http_load", "HTTP transport under load")
    port = free_port(HOST)
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        command = flowtly_command(home / "sandbox.sqlite3", "--transport", "http", "--host", HOST, "--port", str(port))
        with serving(command, port, env=isolated_env(home)):
            alone, loaded, wall = anyio.run(_load, f"http://{HOST}:{port}/mcp")
    if not loaded.latencies:
        raise RuntimeError(f"no call succeeded under load: {loaded.errors[:3]}")
    calls = CLIENTS * CALLS
    p50, p99 = percentile(loaded.latencies, 0.50), percentile(loaded.latencies, 0.99)
    idle = median(alone.latencies) if alone.latencies else float("nan")
    result.add(Figure("http.p50_ms", f"p50 latency, {CLIENTS} clients x {CALLS} calls", round(p50 * 1000, 1), "ms"))
    result.add(Figure("http.p99_ms", "p99 latency under the same load", round(p99 * 1000, 1), "ms"))
    result.add(
        Figure(
            "http.p50_vs_alone",
            "p50 under load / p50 of one client alone",
            round(p50 / idle, 1),
            "x",
            baseline=f"one client alone, {CALLS} calls: median {idle * 1000:.1f} ms",
        )
    )
    result.add(
        Figure(
            "http.errors",
            "Failed calls (errors and isError results)",
            len(loaded.errors),
            "calls",
            note=f"of {calls:,}" + (f"; first: {loaded.errors[0]}" if loaded.errors else ""),
        )
    )
    result.add(Figure("http.throughput", "Throughput under load", round(len(loaded.latencies) / wall, 1), "calls/s"))
    result.tables.append(
        Table(
            "Latency distribution under load (ms)",
            ["p50", "p90", "p99", "max", "calls"],
            [
                [
                    f"{p50 * 1000:.1f}",
                    f"{percentile(loaded.latencies, 0.90) * 1000:.1f}",
                    f"{p99 * 1000:.1f}",
                    f"{max(loaded.latencies) * 1000:.1f}",
                    f"{len(loaded.latencies):,}",
                ]
            ],
        )
    )
    shown = command_line(flowtly_command(Path("DB"), "--transport", "http", "--host", HOST, "--port", "PORT"))
    result.notes.append(
        f"Server: `{shown}`; clients: `mcp.Client(url)` (protocol 2026-07-28), "
        f"each calling `{TOOL}` on {INVOICE_IDS} invoices in turn; the whole run is capped at {TIME_LIMIT:.0f} s."
    )
    return result
