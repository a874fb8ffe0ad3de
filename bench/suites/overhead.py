"""Per-call overhead: a tool call through an in-memory MCP client vs the API client making the same request.

Both paths reach the same in-process sandbox through the same kind of transport, so the difference is what the MCP
layer adds: argument validation, the error boundary, shaping the record and serialising the result. Calls of the
two paths alternate, so that drifts of a shared machine hit both alike; each figure is a ratio of medians.

A third path splits that difference between the SDK and flowtly-mcp: a bare `MCPServer` whose tool makes the same
API call with the same client. For get_invoice it returns the API's answer as it gets it (structured output, the
SDK's own way); for list_invoices it answers what flowtly answers to that call, so both serialise the same bytes.
The bare tool minus the direct call is what any tool on this SDK pays; flowtly's tool minus the bare one is ours.
The target is on ours for get_invoice: flowtly's tool against the bare SDK tool making the same call, since what
the SDK itself costs (about 3x a direct call here) no server on it can remove. list_invoices is held to its target
over stdio, against a trivial tool, in the `calls` section; its split here is reported.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult

from bench import fixtures
from bench.model import Figure, SectionResult, Table, Target
from bench.stats import median
from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.tools.kernel.results import ListResult

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


def bare_server(api: FlowtlyClient, page: CallToolResult) -> MCPServer[Any]:
    """The SDK alone: get_invoice makes the API call with the same client and hands back the answer; list_invoices
    makes list_invoices' API call and answers `page`, flowtly's own answer to it, so that both serialise the same."""
    server: MCPServer[Any] = MCPServer("bare")

    @server.tool(title="Get invoice")
    async def get_invoice(id: str) -> dict[str, Any]:
        """One invoice as the API gives it."""
        return await api.get(f"/invoices/{id}")

    @server.tool(title="List invoices", structured_output=True)
    async def list_invoices(limit: int = PAGE) -> ListResult:
        """A page of invoices."""
        await api.list_slice("/invoices", limit=limit, cursor=None)
        return page  # type: ignore[return-value]  # a CallToolResult is passed through as it is

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
            async with Client(fixtures.server(box), mode=mode) as client:
                page = await client.call_tool("list_invoices", {"limit": PAGE})
                answer = CallToolResult(content=page.content, structured_content=page.structured_content)
                async with Client(bare_server(api, answer), mode=mode) as bare:
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
                        tool_median, bare_median, direct_median = await _medians(
                            _checked(client, tool, arguments), _checked(bare, tool, arguments), direct
                        )
                        result.add(_split(result, rows, key, tool, mode, tool_median, bare_median, direct_median))
                        result.add(_ratio(key, tool, mode, tool_median, direct_median, direct_label, ""))
    result.tables.append(
        Table(
            f"Where a call's time goes: medians of {ROUNDS} calls each (ms)",
            ["mode", "call", "direct API call", "bare SDK tool", "flowtly-mcp tool", "SDK adds", "flowtly-mcp adds"],
            rows,
        )
    )
    result.notes.append(
        "auto = protocol 2026-07-28 (direct dispatch), legacy = 2025-11-25 (JSON-RPC over in-memory streams); "
        f"seeded sandbox of size 1 in the same process; medians after a warm-up of {WARMUP} calls. The bare SDK "
        "tool makes the same API call with the same client: get_invoice returns the API's answer as a dict "
        "(structured output), about the size of flowtly's compact record; list_invoices answers flowtly's own "
        f"answer to the call ({PAGE} compact records, taken once before timing), so both serialise the same bytes and "
        "the difference is flowtly-mcp's work: validating, shaping and building the result. The in-memory client "
        "parses and checks every result against the tool's output schema, which is in every path's time."
    )
    return result


def _split(
    result: SectionResult,
    rows: list[list[str]],
    key: str,
    tool: str,
    mode: str,
    tool_median: float,
    bare_median: float,
    direct_median: float,
) -> Figure:
    """The tool against the bare SDK tool making the same call (targeted for get_invoice), and the split of the
    time over the direct call between the SDK and flowtly-mcp."""
    sdk_ms, ours_ms = (bare_median - direct_median) * 1000, (tool_median - bare_median) * 1000
    result.add(
        Figure(
            f"overhead.{key}.{mode}.vs_bare",
            f"{tool} via MCP ({mode} mode) / the same call through a bare SDK tool",
            round(tool_median / bare_median, 2),
            "x",
            Target("<=", TARGET_RATIO) if key == "get" else None,
            baseline=f"bare SDK tool: median {bare_median * 1000:.2f} ms",
            note=f"tool median {tool_median * 1000:.2f} ms, {ROUNDS} calls each",
        )
    )
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
    split = f": the SDK {sdk_ms:.2f} ms (bare tool - direct call), flowtly-mcp {ours_ms:.2f} ms (its tool - bare tool)"
    return _added(key, tool, mode, tool_median, direct_median, split)


def run() -> SectionResult:
    return anyio.run(_measure)
