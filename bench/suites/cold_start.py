"""Cold start: from spawning flowtly-mcp to its tools/list answer, vs a bare one-tool MCPServer in the same run.

Four ways to start flowtly-mcp: the embedded sandbox or the real-API mode (FLOWTLY_BASE_URL pointing at a loopback
port; nothing is asked of the API before tools/list), each with the default toolsets and with all. All five commands
start the same way (a fresh interpreter, stdio, the same raw client) and take turns in every round, so that a slow
moment of the shared machine lands on all of them. One unmeasured start of each comes first: it compiles bytecode
and creates the sandbox database, as a first-ever start does once (seeding waits for the first tool call).

Wall time is the figure; each process's CPU time (user + system, from start to exit) is reported beside it, since a
loaded machine stretches wall time far more than CPU time.
"""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path

from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, bare_command, command_line, flowtly_command, free_port, isolated_env
from bench.stats import median
from bench.stdio_wire import list_tools

STARTS = 8  # medians of 8: the shared machine swings single starts by a third
TARGETS = {"default": 1.2, "all": 1.35}


def _real_api_command(*flags: str) -> list[str]:
    return [sys.executable, "-m", "flowtly_mcp", *flags]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run() -> SectionResult:
    result = SectionResult("cold_start", "Cold start")
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        env = isolated_env(home)
        real_env = env | {"FLOWTLY_BASE_URL": f"http://127.0.0.1:{free_port()}", "FLOWTLY_API_TOKEN": "bench-token"}
        database = home / "sandbox.sqlite3"
        commands = {
            "bare": (bare_command(), env),
            "sandbox, default": (flowtly_command(database), env),
            "sandbox, all": (flowtly_command(database, "--toolsets", "all"), env),
            "real API, default": (_real_api_command(), real_env),
            "real API, all": (_real_api_command("--toolsets", "all"), real_env),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        tools: dict[str, int] = {}
        for command, command_env in commands.values():
            list_tools(command, env=command_env, cwd=str(REPO))
        for _ in range(STARTS):
            for name, (command, command_env) in commands.items():
                before = _children_cpu()
                listing = list_tools(command, env=command_env, cwd=str(REPO))
                # The process was waited for when list_tools stopped it: its whole CPU time is counted now.
                cpu[name].append(_children_cpu() - before)
                times[name].append(listing.seconds_to_tools)
                tools[name] = len(listing.tools)
    bare = median(times["bare"])
    bare_cpu = median(cpu["bare"])
    for name in list(commands)[1:]:
        toolsets = name.split(", ")[1]
        mode = name.split(",")[0]
        result.add(
            Figure(
                f"cold_start.{mode.replace(' ', '_').lower()}.{toolsets}",
                f"Spawn to tools/list, {name} ({tools[name]} tools) / bare MCPServer",
                round(median(times[name]) / bare, 2),
                "x",
                Target("<=", TARGETS[toolsets]),
                baseline=f"bare one-tool MCPServer: median {bare * 1000:.0f} ms",
                note=f"median {median(times[name]) * 1000:.0f} ms; CPU median {median(cpu[name]) * 1000:.0f} ms = "
                f"{median(cpu[name]) / bare_cpu:.2f}x bare's {bare_cpu * 1000:.0f} ms",
            )
        )
    result.tables.append(
        Table(
            f"Spawn to tools/list, {STARTS} starts each (ms)",
            [
                "command",
                "tools",
                "min",
                "median",
                "max",
                "median / bare median",
                "min / bare min",
                "CPU median",
                "CPU median / bare",
            ],
            [
                [
                    name,
                    str(tools[name]),
                    f"{min(values) * 1000:.0f}",
                    f"{median(values) * 1000:.0f}",
                    f"{max(values) * 1000:.0f}",
                    f"{median(values) / bare:.2f}x",
                    f"{min(values) / min(times['bare']):.2f}x",
                    f"{median(cpu[name]) * 1000:.0f}",
                    f"{median(cpu[name]) / bare_cpu:.2f}x",
                ]
                for name, values in times.items()
            ],
        )
    )
    result.notes.append(
        f"Commands: `{command_line(flowtly_command(Path('DB')))}`, `{command_line(_real_api_command())}` with "
        f"FLOWTLY_BASE_URL on an idle loopback port, each also with `--toolsets all`, and "
        f"`{command_line(bare_command())}`; bytecode cached; sandbox database already created. CPU: user + system "
        "time of each process from spawn to exit (it exits when its stdin closes, right after tools/list), from "
        "getrusage(RUSAGE_CHILDREN)."
    )
    return result
