"""The streamable HTTP transport under load: 50 concurrent MCP clients making 40 tool calls each.

The server is the project's own `flowtly-mcp --sandbox --transport http`, spawned on 127.0.0.1 with a free port and
stopped at the end. The load comes from another process (`bench.load_client`), so the generator's CPU is not counted
as the server's, and the server's CPU time is read from /proc before and after the load. On a two-core machine the
generator still competes with the server for the CPU; its CPU time is reported beside the server's so the reader
can see how much. One client alone, making the same calls first, gives the unloaded latency.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, command_line, cpu_seconds, flowtly_command, free_port, isolated_env, serving
from bench.stats import median, percentile

CLIENTS = 50
CALLS = 40
HOST = "127.0.0.1"
TOOL = "get_invoice"
INVOICE_IDS = 40
TIME_LIMIT = 150.0


def _generate(url: str) -> dict[str, object]:
    command = [sys.executable, "-m", "bench.load_client", url, "--clients", str(CLIENTS), "--calls", str(CALLS)]
    command += ["--tool", TOOL, "--ids", str(INVOICE_IDS), "--limit", str(TIME_LIMIT)]
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=TIME_LIMIT + 30, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{finished.stderr[-2000:]}")
    outcome: dict[str, object] = json.loads(finished.stdout.strip().splitlines()[-1])
    return outcome


def run() -> SectionResult:
    result = SectionResult("http_load", "HTTP transport under load")
    port = free_port(HOST)
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        command = flowtly_command(home / "sandbox.sqlite3", "--transport", "http", "--host", HOST, "--port", str(port))
        with serving(command, port, env=isolated_env(home)) as server:
            before = cpu_seconds(server.pid)
            outcome = _generate(f"http://{HOST}:{port}/mcp")
            after = cpu_seconds(server.pid)
    loaded: list[float] = outcome["loaded"]  # type: ignore[assignment]
    alone: list[float] = outcome["alone"]  # type: ignore[assignment]
    errors: list[str] = outcome["errors"]  # type: ignore[assignment]
    wall = float(outcome["wall"])  # type: ignore[arg-type]
    generator_cpu = float(outcome["cpu_seconds"])  # type: ignore[arg-type]
    if not loaded:
        raise RuntimeError(f"no call succeeded under load: {errors[:3]}")
    calls = CLIENTS * CALLS
    p50, p99 = percentile(loaded, 0.50), percentile(loaded, 0.99)
    idle = median(alone) if alone else float("nan")
    server_cpu = None if before is None or after is None else after - before
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
            len(errors),
            "calls",
            Target("<=", 0),
            note=f"of {calls + CALLS:,}" + (f"; first: {errors[0]}" if errors else ""),
        )
    )
    result.add(Figure("http.throughput", "Throughput under load", round(len(loaded) / wall, 1), "calls/s"))
    if server_cpu is not None:
        result.add(
            Figure(
                "http.server_cpu_ms_per_call",
                "Server CPU per call under load",
                round(1000 * server_cpu / (calls + CALLS), 2),
                "ms",
                note=f"server process: {server_cpu:.1f} s CPU over the run (wall {wall:.1f} s for the loaded part); "
                f"load generator: {generator_cpu:.1f} s CPU in its own process",
            )
        )
    result.tables.append(
        Table(
            "Latency distribution under load (ms), and CPU",
            ["p50", "p90", "p99", "max", "calls", "server CPU s", "generator CPU s", "wall s"],
            [
                [
                    f"{p50 * 1000:.1f}",
                    f"{percentile(loaded, 0.90) * 1000:.1f}",
                    f"{p99 * 1000:.1f}",
                    f"{max(loaded) * 1000:.1f}",
                    f"{len(loaded):,}",
                    "?" if server_cpu is None else f"{server_cpu:.1f}",
                    f"{generator_cpu:.1f}",
                    f"{wall:.1f}",
                ]
            ],
        )
    )
    shown = command_line(flowtly_command(Path("DB"), "--transport", "http", "--host", HOST, "--port", "PORT"))
    result.notes.append(
        f"Server: `{shown}`; load: `python -m bench.load_client URL --clients {CLIENTS} --calls {CALLS}` in its own "
        f"process (`mcp.Client(url)`, protocol 2026-07-28), each client calling `{TOOL}` on {INVOICE_IDS} invoices in "
        f"turn; server CPU from /proc/PID/stat before and after; capped at {TIME_LIMIT:.0f} s."
    )
    return result
