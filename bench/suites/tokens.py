"""How many context tokens the tool list costs a model: the default surface, every toolset, and each tool.

Tokens are estimated as characters / 4 of the compact JSON the server writes for `tools/list` over stdio, read
from the wire of a spawned `flowtly-mcp --sandbox`, so the figure counts exactly what a host receives.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, command_line, flowtly_command, isolated_env
from bench.stdio_wire import list_tools

CHARS_PER_TOKEN = 4
DEFAULT_SURFACE_TARGET = 4000
PER_TOOL_TARGET = 200
TOP = 10


def tokens_of(text: str) -> float:
    return len(text) / CHARS_PER_TOKEN


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def run() -> SectionResult:
    result = SectionResult("tokens", "Tool-list tokens")
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        env = isolated_env(home)
        database = home / "sandbox.sqlite3"
        default = list_tools(flowtly_command(database), env=env, cwd=str(REPO))
        everything = list_tools(flowtly_command(database, "--toolsets", "all"), env=env, cwd=str(REPO))

    default_tokens = sum(tokens_of(raw) for raw in default.raw_results)
    all_tokens = sum(tokens_of(raw) for raw in everything.raw_results)
    result.add(
        Figure(
            "tokens.default",
            f"Default surface ({len(default.tools)} tools)",
            round(default_tokens),
            "tokens",
            Target("<=", DEFAULT_SURFACE_TARGET),
            note="chars/4 of the tools/list result as sent over stdio",
        )
    )
    result.add(
        Figure(
            "tokens.all",
            f"All toolsets ({len(everything.tools)} tools)",
            round(all_tokens),
            "tokens",
            note="chars/4 of the tools/list result as sent over stdio",
        )
    )
    result.add(
        Figure(
            "tokens.all_per_tool",
            "All toolsets, average per tool",
            round(all_tokens / max(1, len(everything.tools)), 1),
            "tokens",
            Target("<=", PER_TOOL_TARGET),
        )
    )
    per_tool = sorted(((tokens_of(_compact(tool)), tool["name"]) for tool in everything.tools), reverse=True)
    result.add(Figure("tokens.largest_tool", f"Largest tool ({per_tool[0][1]})", round(per_tool[0][0]), "tokens"))
    result.tables.append(
        Table(
            f"The {TOP} largest tools (all toolsets)",
            ["tool", "tokens", "description", "input schema", "output schema"],
            [
                [
                    name,
                    f"{tokens:.0f}",
                    f"{tokens_of(_compact(tool.get('description', ''))):.0f}",
                    f"{tokens_of(_compact(tool.get('inputSchema', {}))):.0f}",
                    f"{tokens_of(_compact(tool.get('outputSchema', {}))):.0f}",
                ]
                for tokens, name in per_tool[:TOP]
                for tool in everything.tools
                if tool["name"] == name
            ],
        )
    )
    result.notes.append(
        f"Listed with `{command_line(flowtly_command(Path('DB')))}` (and `--toolsets all`), "
        "protocol 2025-11-25, over a raw stdio pipe."
    )
    return result
