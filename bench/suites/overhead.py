"""Per-call overhead: a tool call through an in-memory MCP client vs the API client making the same request.

Both paths reach the same in-process sandbox through the same kind of transport, so the difference is what the MCP
layer adds: argument validation, the error boundary, shaping the record and serialising the result. Calls of the
two paths alternate, so that drifts of a shared machine hit both alike; each figure is a ratio of medians.

For get_invoice a third path splits that difference between the SDK and flowtly-mcp: a bare `MCPServer` whose tool
makes the same API call with the same client and returns the API's answer as it gets it (structured output, the
SDK's own way). The bare tool minus the direct call is what any tool on this SDK pays; flowtly's tool minus the bare
one is ours. The target is on ours: flowtly's get_invoice against the bare SDK tool making the same call, since what
the SDK itself costs (about 3x a direct call here) no server on it can remove. list_invoices has no such twin (see
the note) and is held to its target over stdio, against a trivial tool, in the `calls` section.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp import Client
from mcp.server.mcpserver import MCPServer

from bench import fixtures
from bench.model import Figure, SectionResult, Table, Target
from bench.stats import median
from flowtly_mcp.api import FlowtlyClient

WARMUP = 30
ROUNDS = 300
TARGET_RATIO = 1.3
INVOICE_ID = 1
PAGE = 30

Call = Callable[[], Awaitable[Any]]


async def _timed(call: Call) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def _medians(*paths: Call) -> list[float]:
    """Median seconds of each path, called in turn every round, with the order rotating so none is always first."""
    for _ in range(WARMUP):
        for path in paths:
            await path()
    times: list[list[float]] = [[] for _ in paths]
    for round_number in range(ROUNDS):
        for step in range(len(paths)):
            index = (round_number + step) % len(paths)
            times[index].append(await _timed(paths[index]))
    return [median(values) for values in times]


def bare_server(api: FlowtlyClient) -> MCPServer[Any]:
    """The SDK alone: a tool that makes get_invoice's API call with the same client and hands back the answer."""
    server: MCPServer[Any] = MCPServer("bare")

    @server.tool(title="Get invoice")
    async def get_invoice(id: str) -> dict[str, Any]:
        """One invoice as the API gives it."""
        return await api.get(f"/invoices/{id}")

    return server


def _checked(client: Client, name: str, arguments: dict[str, Any]) -> Call:
    async def call() -> Any:
        result = await client.call_tool(name, arguments)
        if result.is_error:
            raise RuntimeError(f"{name} failed: {result.content}")
        return result

    return call


def _ratio(key: str, tool: str, mode: str, tool_median: float, direct_median: float, label: str, more: str) -> Figure:
    return Figure(
        f"overhead.{key}.{mode}",
        f"{tool} via MCP ({mode} mode) / direct API call",
        round(tool_median / direct_median, 2),
        "x",
        baseline=f"{label}: median {direct_median * 1000:.2f} ms",
        note=f"tool median {tool_median * 1000:.2f} ms, {ROUNDS} calls each{more}",
    )


def _added(key: str, tool: str, mode: str, tool_median: float, direct_median: float, split: str) -> Figure:
    return Figure(
        f"overhead.{key}.{mode}.added_ms",
        f"{tool} ({mode} mode): time the MCP layer adds per call",
        round((tool_median - direct_median) * 1000, 2),
        "ms",
        note=f"difference of the two medians{split}",
    )


async def _measure() -> SectionResult:
    result = SectionResult("overhead", "Per-call overhead")
    box = fixtures.sandbox()
    rows: list[list[str]] = []
    async with fixtures.api_client(box) as api:
        direct_get: Call = lambda: api.get(f"/invoices/{INVOICE_ID}")  # noqa: E731
        direct_list: Call = lambda: api.list_slice("/invoices", limit=PAGE, cursor=None)  # noqa: E731
        for mode in ("auto", "legacy"):
            async with (
                Client(fixtures.server(box), mode=mode) as client,
                Client(bare_server(api), mode=mode) as bare,
            ):
                cases = (
                    ("get", "get_invoice", {"id": str(INVOICE_ID)}, direct_get, "api.get('/invoices/1')"),
                    (
                        "list",
                        "list_invoices",
                        {"limit": PAGE},
                        direct_list,
                        f"api.list_slice('/invoices', limit={PAGE})",
                    ),
                )
                for key, tool, arguments, direct, direct_label in cases:
                    if key != "get":
                        # The bare tool would return 30 full records where flowtly returns 30 compact ones: the
                        # serialising differs too much for a split to mean anything.
                        tool_median, direct_median = await _medians(_checked(client, tool, arguments), direct)
                        result.add(_ratio(key, tool, mode, tool_median, direct_median, direct_label, ""))
                        result.add(_added(key, tool, mode, tool_median, direct_median, ""))
                        continue
                    tool_median, bare_median, direct_median = await _medians(
                        _checked(client, tool, arguments), _checked(bare, tool, arguments), direct
                    )
                    sdk_ms, ours_ms = (bare_median - direct_median) * 1000, (tool_median - bare_median) * 1000
                    bare_note = (
                        f"; the same call through a bare SDK tool {bare_median * 1000:.2f} ms "
                        f"({bare_median / direct_median:.2f}x the direct call)"
                    )
                    result.add(_ratio(key, tool, mode, tool_median, direct_median, direct_label, bare_note))
                    result.add(
                        Figure(
                            f"overhead.{key}.{mode}.vs_bare",
                            f"{tool} via MCP ({mode} mode) / the same call through a bare SDK tool",
                            round(tool_median / bare_median, 2),
                            "x",
                            Target("<=", TARGET_RATIO),
                            baseline=f"bare SDK tool: median {bare_median * 1000:.2f} ms",
                            note=f"tool median {tool_median * 1000:.2f} ms, {ROUNDS} calls each",
                        )
                    )
                    split = (
                        f": the SDK {sdk_ms:.2f} ms (bare tool - direct call), "
                        f"flowtly-mcp {ours_ms:.2f} ms (its tool - bare tool)"
                    )
                    result.add(_added(key, tool, mode, tool_median, direct_median, split))
                    rows.append(
                        [
                            mode,
                            tool,
                            f"{direct_median * 1000:.2f}",
                            f"{bare_median * 1000:.2f}",
                            f"{tool_median * 1000:.2f}",
                            f"{sdk_ms:.2f}",
                            f"{ours_ms:.2f}",
                        ]
                    )
    result.tables.append(
        Table(
            f"Where get_invoice's time goes: medians of {ROUNDS} calls each (ms)",
            ["mode", "call", "direct API call", "bare SDK tool", "flowtly-mcp tool", "SDK adds", "flowtly-mcp adds"],
            rows,
        )
    )
    result.notes.append(
        "auto = protocol 2026-07-28 (direct dispatch), legacy = 2025-11-25 (JSON-RPC over in-memory streams); "
        "seeded sandbox of size 1 in the same process; medians after a warm-up of "
        f"{WARMUP} calls. The split (get_invoice only): the bare SDK tool returns the API's answer as a dict "
        "(structured output), about the size of flowtly's compact record; for list_invoices it would return 30 full "
        "records against flowtly's 30 compact ones, too different to split."
    )
    return result


def run() -> SectionResult:
    return anyio.run(_measure)
