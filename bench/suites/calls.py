"""Per-call time over stdio: `get_invoice` and `list_invoices` (30 records) vs a trivial tool on the same SDK.

flowtly-mcp and a bare one-tool MCPServer run side by side as stdio processes; calls alternate between them, so the
ratio and the difference are measured under the same machine load. In sandbox mode the API is inside the server
process; in real-API mode it is a seeded sandbox in its own process on loopback. What the API itself takes is
measured apart (the project's API client making the same request from this process: in sandbox mode to the same
kind of sandbox the server embeds, a database-backed one seeded alike, so that its work per request is the same), so
that `tool - trivial tool - API` is the time the MCP layer of flowtly-mcp adds to a call.

Wall time on a shared machine moves with its load, so CPU time is measured too, which load disturbs less: after the
timed rounds, a block of calls per case with the server process's CPU read before and after (`/proc/PID/stat`), and
the same block of direct API calls with this process's CPU; the CPU the MCP layer adds is the difference.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from anyio.from_thread import start_blocking_portal

from bench import fixtures
from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, bare_command, cpu_seconds, flowtly_command, free_port, isolated_env, serving
from bench.stats import median
from bench.stdio_session import StdioSession
from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.cli import SANDBOX_TOKEN
from flowtly_mcp.sandbox.deferred import DeferredSandbox

WARMUP = 20
# Rounds per case: the figure is the median over REPEATS of each repeat's median of per-round differences of three
# timings. The repeats of every mode and toolset choice take turns, so a burst of load on the shared machine falls on
# one repeat of each, not on one choice.
REPEATS = 5
ROUNDS = 60
CALLS = REPEATS * ROUNDS
# Per case and mode: enough calls for the CPU clock's ticks (10 ms) to even out.
CPU_CALLS = 300
PAGE = 30
CASES = (("get_invoice", {"id": "1"}), ("list_invoices", {"limit": PAGE}))
TARGET_ADDED_MS = {"get_invoice": 0.3, "list_invoices": 0.6}
Times = dict[str, list[float]]
# Per case: CPU seconds per call (the server process for tools, this process for the API alone).
CpuTimes = dict[str, float]


Direct = Callable[[str], float]
Choice = tuple[str, str]
# Each mode with the default surface (plus the invoices toolset) and with every toolset.
CHOICES: tuple[Choice, ...] = (("sandbox", "default"), ("sandbox", "all"), ("real API", "default"), ("real API", "all"))


def _rounds(flowtly: StdioSession, bare: StdioSession, direct: Direct, rounds: int) -> Times:
    """Each round: the trivial tool, then per case the API alone and the tool, so drifts hit all three alike."""
    times: Times = {"ping": [], **{name: [] for name, _ in CASES}, **{f"api:{name}": [] for name, _ in CASES}}
    for _ in range(rounds):
        times["ping"].append(bare.call("ping", {}))
        for name, arguments in CASES:
            times[f"api:{name}"].append(direct(name))
            times[name].append(flowtly.call(name, arguments))
    return times


def _cpu_per_call(flowtly: StdioSession, bare: StdioSession, direct: Direct) -> CpuTimes:
    """CPU seconds per call of each case: the trivial tool's and the tools' in their server processes, and the API
    alone in this one (its requests run on the portal's thread, so they count in this process's time)."""
    blocks: list[tuple[str, StdioSession | None, dict[str, Any]]] = [("ping", bare, {})]
    for name, arguments in CASES:
        blocks += [(name, flowtly, arguments), (f"api:{name}", None, {})]
    cpu: CpuTimes = {}
    for key, session, arguments in blocks:
        if session is None:
            name = key.removeprefix("api:")
            started = time.process_time()
            for _ in range(CPU_CALLS):
                direct(name)
            cpu[key] = (time.process_time() - started) / CPU_CALLS
            continue
        before = cpu_seconds(session.pid)
        for _ in range(CPU_CALLS):
            session.call(key, arguments)
        after = cpu_seconds(session.pid)
        if before is None or after is None:
            return {}
        cpu[key] = (after - before) / CPU_CALLS
    return cpu


def _timed_calls(api: FlowtlyClient) -> Callable[[str], Awaitable[float]]:
    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "get_invoice": lambda: api.get("/invoices/1"),
        "list_invoices": lambda: api.list_slice("/invoices", limit=PAGE, cursor=None),
    }

    async def timed(name: str) -> float:
        started = time.perf_counter()
        await calls[name]()
        return time.perf_counter() - started

    return timed


def run() -> SectionResult:
    result = SectionResult("calls", "Per-call time over stdio")
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        env = isolated_env(home)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        api_env = env | {"FLOWTLY_BASE_URL": url, "FLOWTLY_API_TOKEN": fixtures.TOKEN}
        sandbox_api = [sys.executable, "-m", "bench.sandbox_server", "--size", "1", "--port", str(port)]
        with serving(sandbox_api, port), start_blocking_portal() as portal:
            # The server's embedded sandbox (`--sandbox`): database-backed, seeded for today. This one is its twin on
            # a database of its own (a database is locked by the process that opens it).
            embedded = DeferredSandbox(SANDBOX_TOKEN, home / "api-alone.sqlite3")
            in_process = portal.wrap_async_context_manager(
                FlowtlyClient(fixtures.api_settings(token=SANDBOX_TOKEN), transport=embedded)
            )
            over_http = portal.wrap_async_context_manager(FlowtlyClient(fixtures.api_settings(base_url=url)))
            with in_process as local_api, over_http as remote_api:
                clients = {"sandbox": _timed_calls(local_api), "real API": _timed_calls(remote_api)}
                with ExitStack() as stack:
                    bare = stack.enter_context(StdioSession(bare_command(), env=env, cwd=str(REPO)))
                    servers = {}
                    for mode, toolsets in CHOICES:
                        # list_invoices is one search away from the default list: "default" adds the invoices
                        # toolset so that both cases are called directly, as a host that chose it would.
                        flags = ["--toolsets", "all" if toolsets == "all" else "default,invoices"]
                        if mode == "sandbox":
                            database = home / f"sandbox-{toolsets}.sqlite3"
                            command, command_env = flowtly_command(database, *flags), env
                        else:
                            command, command_env = [sys.executable, "-m", "flowtly_mcp", *flags], api_env
                        servers[mode, toolsets] = stack.enter_context(
                            StdioSession(command, env=command_env, cwd=str(REPO))
                        )
                    directs = {mode: partial(portal.call, clients[mode]) for mode in clients}
                    for (mode, _), flowtly in servers.items():
                        _rounds(flowtly, bare, directs[mode], WARMUP)
                    repeats: dict[Choice, list[Times]] = {choice: [] for choice in CHOICES}
                    for _ in range(REPEATS):
                        for choice, flowtly in servers.items():
                            repeats[choice].append(_rounds(flowtly, bare, directs[choice[0]], ROUNDS))
                    for (mode, toolsets), flowtly in servers.items():
                        cpu = _cpu_per_call(flowtly, bare, directs[mode])
                        _report(result, rows, mode, toolsets, repeats[mode, toolsets], cpu)
    result.tables.append(
        Table(
            f"Every case, {CALLS} calls each (ms): min / median / max",
            [
                "mode",
                "toolsets",
                "call",
                "tool",
                "trivial tool",
                "API alone",
                "tool / trivial",
                f"MCP layer adds, over {REPEATS} repeats",
                "CPU: tool / trivial / API",
                "CPU the MCP layer adds",
            ],
            rows,
        )
    )
    result.notes.append(
        "Raw JSON-RPC over the processes' pipes (protocol 2025-11-25), one call in flight; the trivial tool is "
        f"`{' '.join(bare_command()[1:])}`'s ping. API alone: `FlowtlyClient.get('/invoices/1')` and "
        f"`list_slice('/invoices', limit={PAGE})` from the bench process, against an in-process database-backed "
        "sandbox seeded as the server's embedded one is (sandbox mode) or the loopback sandbox the real-API server "
        "uses, in the same rounds as the tool calls. 'MCP layer adds': per repeat, the median over its "
        f"{ROUNDS} rounds of tool - trivial tool - API alone; the figure is the median of the {REPEATS} repeats, "
        "which take turns across the modes and toolset choices (min / median / max in the table)."
    )
    result.notes.append(
        f"CPU (ms per call, {CPU_CALLS} calls per case after the timed rounds): the server processes' user + system "
        "time from /proc/PID/stat for the tool and the trivial tool, this process's time for the API alone (the "
        "same client, and in sandbox mode the same in-process sandbox, the server uses for the call); the CPU the "
        "MCP layer adds is tool - trivial tool - API alone. A process's CPU counts all its threads (the SDK's stdio "
        "reader and writer run beside the event loop), so this difference can exceed the wall-time one."
    )
    return result


def _spread(values: list[float]) -> str:
    return f"{min(values) * 1000:.2f} / {median(values) * 1000:.2f} / {max(values) * 1000:.2f}"


def _report(
    result: SectionResult, rows: list[list[str]], mode: str, toolsets: str, repeats: list[Times], cpu: CpuTimes
) -> None:
    times: Times = {key: [value for repeat in repeats for value in repeat[key]] for key in repeats[0]}
    ping = median(times["ping"])
    for name, _ in CASES:
        cpu_added = (cpu[name] - cpu["ping"] - cpu[f"api:{name}"]) * 1000 if cpu else None
        cpu_note = (
            f"; CPU per call: tool {cpu[name] * 1000:.2f} ms, trivial tool {cpu['ping'] * 1000:.2f} ms, API alone "
            f"{cpu[f'api:{name}'] * 1000:.2f} ms, so the MCP layer adds {cpu_added:.2f} ms of CPU"
            if cpu and cpu_added is not None
            else ""
        )
        tool, api = median(times[name]), median(times[f"api:{name}"])
        # Per repeat, the median of each round's difference (the three calls of a round ran under the same load);
        # the figure is the median over the repeats.
        per_repeat = [
            median([t - p - a for t, p, a in zip(r[name], r["ping"], r[f"api:{name}"], strict=True)]) * 1000
            for r in repeats
        ]
        added = median(per_repeat)
        spread = f"{min(per_repeat):.2f} / {added:.2f} / {max(per_repeat):.2f}"
        key = f"calls.{mode.replace(' ', '_').lower()}.{toolsets}.{name}"
        if toolsets == "default":
            result.add(
                Figure(
                    key,
                    f"{name}, {mode} (default + invoices toolsets): time the MCP layer adds per call",
                    round(added, 2),
                    "ms",
                    Target("<=", TARGET_ADDED_MS[name]),
                    baseline=f"trivial tool median {ping * 1000:.2f} ms; API alone {api * 1000:.2f} ms",
                    note=f"min / median / max over {len(repeats)} repeats of {ROUNDS} rounds: {spread} ms; tool "
                    f"median {tool * 1000:.2f} ms ({tool / ping:.2f}x the trivial tool){cpu_note}",
                )
            )
        rows.append(
            [
                mode,
                toolsets,
                name,
                _spread(times[name]),
                _spread(times["ping"]),
                _spread(times[f"api:{name}"]),
                f"{tool / ping:.2f}x",
                spread,
                " / ".join(f"{cpu[key] * 1000:.2f}" for key in (name, "ping", f"api:{name}")) if cpu else "?",
                f"{cpu_added:.2f}" if cpu_added is not None else "?",
            ]
        )
