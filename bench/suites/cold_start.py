"""Cold start: from spawning `flowtly-mcp --sandbox` to its tools/list answer, vs a bare one-tool MCPServer.

Both are started the same way (a fresh interpreter, stdio, the same raw client) so the ratio is what flowtly-mcp's
own imports, registry, schemas and sandbox opening add to what any Python MCP server pays. One unmeasured start of
each comes first: it compiles bytecode and seeds the sandbox database, as a first-ever start does once.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.model import Figure, SectionResult, Target
from bench.processes import REPO, bare_command, command_line, flowtly_command, isolated_env
from bench.stats import median
from bench.stdio_wire import list_tools

STARTS = 5
TARGET_RATIO = 1.25


def run() -> SectionResult:
    result = SectionResult("cold_start", "Cold start")
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        env = isolated_env(home)
        flowtly = flowtly_command(home / "sandbox.sqlite3")
        bare = bare_command()
        list_tools(flowtly, env=env, cwd=str(REPO))
        list_tools(bare, env=env, cwd=str(REPO))
        flowtly_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(STARTS):
            # Alternating keeps a slow moment of the machine from landing on one side only.
            flowtly_times.append(list_tools(flowtly, env=env, cwd=str(REPO)).seconds_to_tools)
            bare_times.append(list_tools(bare, env=env, cwd=str(REPO)).seconds_to_tools)
    flowtly_median, bare_median = median(flowtly_times), median(bare_times)
    result.add(
        Figure(
            "cold_start.ratio",
            "Spawn to tools/list: flowtly-mcp --sandbox / bare MCPServer",
            round(flowtly_median / bare_median, 2),
            "x",
            Target("<=", TARGET_RATIO),
            baseline=f"bare one-tool MCPServer: median {bare_median * 1000:.0f} ms",
            note=f"flowtly-mcp median {flowtly_median * 1000:.0f} ms, {STARTS} starts each",
        )
    )
    result.add(
        Figure(
            "cold_start.flowtly_ms",
            "flowtly-mcp --sandbox, spawn to tools/list (absolute)",
            round(flowtly_median * 1000),
            "ms",
            note="all starts: " + ", ".join(f"{t * 1000:.0f}" for t in flowtly_times) + " ms",
        )
    )
    result.add(
        Figure(
            "cold_start.bare_ms",
            "bare MCPServer, spawn to tools/list (absolute)",
            round(bare_median * 1000),
            "ms",
            note="all starts: " + ", ".join(f"{t * 1000:.0f}" for t in bare_times) + " ms",
        )
    )
    result.notes.append(
        f"Commands: `{command_line(flowtly_command(Path('DB')))}` and `{command_line(bare_command())}`; "
        "default toolsets; bytecode cached; sandbox database already seeded."
    )
    return result
