"""Per-call overhead: a tool call through an in-memory MCP client vs the API client making the same request.

Both paths reach the same in-process sandbox through the same kind of transport, so the difference is what the MCP
layer adds: argument validation, the error boundary, shaping the record and serialising the result. Calls of the
two paths alternate, so that drifts of a shared machine hit both alike; each figure is a ratio of medians.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp import Client

from bench import fixtures
from bench.model import Figure, SectionResult, Target
from bench.stats import median

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


async def _pair(tool: Call, direct: Call) -> tuple[float, float]:
    """Medians (seconds) of the tool path and the direct path, alternating which goes first."""
    for _ in range(WARMUP):
        await tool()
        await direct()
    tool_times: list[float] = []
    direct_times: list[float] = []
    for round_number in range(ROUNDS):
        if round_number % 2:
            tool_times.append(await _timed(tool))
            direct_times.append(await _timed(direct))
        else:
            direct_times.append(await _timed(direct))
            tool_times.append(await _timed(tool))
    return median(tool_times), median(direct_times)


def _checked(client: Client, name: str, arguments: dict[str, Any]) -> Call:
    async def call() -> Any:
        result = await client.call_tool(name, arguments)
        if result.is_error:
            raise RuntimeError(f"{name} failed: {result.content}")
        return result

    return call


async def _measure() -> SectionResult:
    result = SectionResult("overhead", "Per-call overhead")
    box = fixtures.sandbox()
    async with fixtures.api_client(box) as api:
        direct_get: Call = lambda: api.get(f"/invoices/{INVOICE_ID}")  # noqa: E731
        direct_list: Call = lambda: api.list_slice("/invoices", limit=PAGE, cursor=None)  # noqa: E731
        for mode in ("auto", "legacy"):
            async with Client(fixtures.server(box), mode=mode) as client:
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
                    tool_median, direct_median = await _pair(_checked(client, tool, arguments), direct)
                    result.add(
                        Figure(
                            f"overhead.{key}.{mode}",
                            f"{tool} via MCP ({mode} mode) / direct API call",
                            round(tool_median / direct_median, 2),
                            "x",
                            Target("<=", TARGET_RATIO),
                            baseline=f"{direct_label}: median {direct_median * 1000:.2f} ms",
                            note=f"tool median {tool_median * 1000:.2f} ms, {ROUNDS} calls each",
                        )
                    )
                    result.add(
                        Figure(
                            f"overhead.{key}.{mode}.added_ms",
                            f"{tool} ({mode} mode): time the MCP layer adds per call",
                            round((tool_median - direct_median) * 1000, 2),
                            "ms",
                            note="difference of the two medians",
                        )
                    )
    result.notes.append(
        "auto = protocol 2026-07-28 (direct dispatch), legacy = 2025-11-25 (JSON-RPC over in-memory streams); "
        "seeded sandbox of size 1 in the same process; medians after a warm-up of "
        f"{WARMUP} calls."
    )
    return result


def run() -> SectionResult:
    return anyio.run(_measure)
