"""How many context tokens the tool list costs a model: the default surface, every toolset, and each tool.

Counted with the o200k tokenizer (`bench.tokenizer`) on the `tools/list` result a spawned `flowtly-mcp --sandbox`
writes on stdio, so the figures count exactly what a host receives. Two views: *visible*, the part a model reads
(name, description, input schema, as compact JSON), and *on the wire*, the whole tool entry (with title,
annotations, output schema and `_meta`). Two kinds of client: a plain one (declares no capabilities), and one that
renders MCP Apps (declares `io.modelcontextprotocol/ui` in its initialize), which is also listed the view links and
the app-only tool.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, command_line, flowtly_command, isolated_env
from bench.stdio_wire import MCP_APPS_CAPABILITIES, Listing, list_tools
from bench.tokenizer import count
from flowtly_mcp.apps.mcp_apps import is_app_only

DEFAULT_VISIBLE_TARGET = 2000
PER_TOOL_VISIBLE_TARGET = 100
PER_TOOL_WIRE_TARGET = 180
TOP = 12
TOOLSET_META = "flowtly-mcp/toolset"
# The parts of a tool entry, in the order a reader meets them; each is counted as its own `{"key": value}` object.
PARTS = ("name", "title", "description", "inputSchema", "outputSchema", "annotations", "_meta")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def app_only(tool: dict[str, Any]) -> bool:
    """A tool only MCP Apps views call (`_meta.ui.visibility: ["app"]`): hosts never show it to the model."""
    return is_app_only(tool.get("_meta"))


def visible(tool: dict[str, Any]) -> int:
    """Tokens of what a model reads of a tool: its name, description and input schema (none for app-only tools)."""
    if app_only(tool):
        return 0
    return count(compact({key: tool[key] for key in ("name", "description", "inputSchema") if key in tool}))


def wire(tool: dict[str, Any]) -> int:
    return count(compact(tool))


def part(tool: dict[str, Any], key: str) -> int:
    """Tokens of one part of a tool entry, with its key (0 when the tool has no such part)."""
    return count(compact({key: tool[key]})) if key in tool else 0


def largest_part(tools: list[dict[str, Any]], key: str) -> str:
    biggest = max(tools, key=lambda tool: part(tool, key))
    return f"{part(biggest, key)} ({biggest['name']})"


def list_surfaces() -> tuple[Listing, Listing, Listing]:
    """The default and all-toolsets tool lists a plain client is sent, and all toolsets as an MCP Apps client's."""
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        env = isolated_env(home)
        database = home / "sandbox.sqlite3"
        every = flowtly_command(database, "--toolsets", "all")
        default = list_tools(flowtly_command(database), env=env, cwd=str(REPO))
        everything = list_tools(every, env=env, cwd=str(REPO))
        apps = list_tools(every, env=env, cwd=str(REPO), capabilities=MCP_APPS_CAPABILITIES)
    return default, everything, apps


def toolset_of(tool: dict[str, Any], toolsets: dict[str, str]) -> str:
    meta = tool.get("_meta") or {}
    return str(meta.get(TOOLSET_META) or toolsets.get(tool["name"], "?"))


def run() -> SectionResult:
    from flowtly_mcp.tools.all import registry  # read only: which toolset each tool belongs to

    toolsets = {spec.name: spec.toolset for spec in registry()}
    result = SectionResult("tokens", "Tool-list tokens")
    default_listing, everything_listing, apps_listing = list_surfaces()
    default, default_raw = default_listing.tools, default_listing.raw_results
    everything, everything_raw = everything_listing.tools, everything_listing.raw_results
    default_visible = sum(visible(tool) for tool in default)
    default_wire = sum(count(raw) for raw in default_raw)
    all_visible = sum(visible(tool) for tool in everything)
    all_wire = sum(count(raw) for raw in everything_raw)
    tools = max(1, len(everything))
    result.add(
        Figure(
            "tokens.default_visible",
            f"Default surface ({sum(not app_only(t) for t in default)} tools for the model, "
            f"{sum(app_only(t) for t in default)} app-only), visible: name, description, input schema",
            default_visible,
            "tokens",
            Target("<=", DEFAULT_VISIBLE_TARGET),
            note="o200k; " + ", ".join(tool["name"] for tool in default),
        )
    )
    result.add(
        Figure(
            "tokens.default_wire",
            "Default surface, on the wire (the whole tools/list result)",
            default_wire,
            "tokens",
            note="with titles, annotations, output schemas and _meta",
        )
    )
    result.add(
        Figure(
            "tokens.all_visible_per_tool",
            f"All toolsets ({len(everything)} tools), visible per tool",
            round(all_visible / tools, 1),
            "tokens",
            Target("<=", PER_TOOL_VISIBLE_TARGET),
            note=f"{all_visible:,} tokens in all",
        )
    )
    result.add(
        Figure(
            "tokens.all_wire_per_tool",
            "All toolsets, on the wire per tool (a plain client)",
            round(all_wire / tools, 1),
            "tokens",
            Target("<=", PER_TOOL_WIRE_TARGET),
            note=f"{all_wire:,} tokens in all",
        )
    )
    apps_wire = sum(count(raw) for raw in apps_listing.raw_results)
    apps_tools = max(1, len(apps_listing.tools))
    result.add(
        Figure(
            "tokens.all_wire_per_tool_mcp_apps",
            f"All toolsets, on the wire per tool, to a client declaring MCP Apps ({len(apps_listing.tools)} tools)",
            round(apps_wire / apps_tools, 1),
            "tokens",
            note=f"{apps_wire:,} tokens in all; with the view links (`_meta.ui`, `ui/resourceUri`) and the app-only "
            f"tool; the {PER_TOOL_WIRE_TARGET}-token target is for plain clients "
            f"({'met here too' if apps_wire / apps_tools <= PER_TOOL_WIRE_TARGET else 'not met here'})",
        )
    )
    chars = sum(len(raw) for raw in everything_raw)
    result.add(
        Figure(
            "tokens.chars_per_token",
            "Characters per o200k token in the tool list (the old estimate assumed 4)",
            round(chars / max(1, all_wire), 2),
            "chars",
        )
    )
    result.tables.append(
        Table(
            "Per part of a tool entry (all toolsets): where the wire tokens go",
            ["part", "tokens per tool", "share of the entry", "largest (tool)"],
            [
                [
                    key,
                    f"{sum(part(t, key) for t in everything) / tools:.1f}",
                    f"{sum(part(t, key) for t in everything) / max(1, sum(wire(t) for t in everything)):.0%}",
                    largest_part(everything, key),
                ]
                for key in PARTS
            ],
        )
    )
    by_set: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for tool in everything:
        by_set[toolset_of(tool, toolsets)].append(tool)
    result.tables.append(
        Table(
            "Per toolset (all toolsets listed)",
            ["toolset", "tools", "visible per tool", "on the wire per tool", "visible in all"],
            [
                [
                    name,
                    str(len(members)),
                    f"{sum(visible(t) for t in members) / len(members):.0f}",
                    f"{sum(wire(t) for t in members) / len(members):.0f}",
                    f"{sum(visible(t) for t in members):,}",
                ]
                for name, members in sorted(by_set.items())
            ],
        )
    )
    result.tables.append(
        Table(
            "The default surface, tool by tool",
            ["tool", "visible", "on the wire"],
            [[tool["name"], str(visible(tool)), str(wire(tool))] for tool in default],
        )
    )
    largest = sorted(everything, key=lambda tool: (-visible(tool), tool["name"]))[:TOP]
    result.tables.append(
        Table(
            f"The {TOP} largest tools by visible tokens (all toolsets)",
            ["tool", "visible", "on the wire", "description", "input schema", "output schema"],
            [
                [
                    tool["name"],
                    str(visible(tool)),
                    str(wire(tool)),
                    str(count(tool.get("description", ""))),
                    str(count(compact(tool.get("inputSchema", {})))),
                    str(count(compact(tool.get("outputSchema", {})))),
                ]
                for tool in largest
            ],
        )
    )
    result.notes.append(
        f"Listed with `{command_line(flowtly_command(Path('DB')))}` (and `--toolsets all`), protocol 2025-11-25, "
        "over a raw stdio pipe; tokens are o200k (bpe-openai), not characters / 4. Every tool's figures are in "
        "results.json."
    )
    result.tables.append(
        Table(
            "Every tool (all toolsets), visible / on the wire",
            ["tool", "toolset", "visible", "on the wire"],
            [
                [tool["name"], toolset_of(tool, toolsets), str(visible(tool)), str(wire(tool))]
                for tool in sorted(everything, key=lambda tool: tool["name"])
            ],
        )
    )
    return result
