"""Receivables aging over 20,000 invoices: the `receivables_aging` tool with pages fetched concurrently vs one by one.

A sandbox seeded with 20,000 invoices runs in its own process on loopback, as the real API runs elsewhere, and every
request waits 20 ms in a transport wrapper before it is sent. The one-by-one run is the same tool with
FLOWTLY_CONCURRENCY=1 (one page in flight at a time); both reports must be identical. Peak RSS is that of this
process: the MCP server, its API client and every record the report needed — not the sandbox's.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
from mcp import Client

from bench import fixtures
from bench.model import Figure, SectionResult, Target
from bench.processes import free_port, serving
from bench.stats import current_rss_mb, peak_rss_mb

LATENCY = 0.020
INVOICES = 20_000
SPEEDUP_TARGET = 4.0
RSS_TARGET_MB = 200.0
TOOL = "receivables_aging"
ARGUMENTS = {"as_of": fixtures.TODAY.isoformat(), "group_by": "client"}
# More pages in flight and the sandbox's largest page: what the settings allow today, without code changes.
TUNED = {"FLOWTLY_CONCURRENCY": "8", "FLOWTLY_PAGE_SIZE": "100"}


async def _aging(base_url: str, latency: float = LATENCY, **env: str) -> tuple[float, dict[str, Any], int]:
    wire = fixtures.LatencyTransport(httpx2.AsyncHTTPTransport(), latency)
    async with Client(fixtures.server_on(wire, base_url=base_url, **env)) as client:
        started = time.perf_counter()
        result = await client.call_tool(TOOL, ARGUMENTS)
        seconds = time.perf_counter() - started
    if result.is_error or result.structured_content is None:
        raise RuntimeError(f"{TOOL} failed: {result.content}")
    return seconds, result.structured_content, wire.requests


async def _count_invoices(base_url: str) -> int:
    # Also warms the sandbox: its first listing builds the views every later page reuses.
    async with httpx2.AsyncClient(base_url=base_url, timeout=120) as http:
        response = await http.get(
            "/invoices",
            params={"itemsPerPage": 1},
            headers={"Authorization": f"Bearer {fixtures.TOKEN}", "Accept": "application/ld+json"},
        )
        response.raise_for_status()
        body = response.json()
        return int(body.get("hydra:totalItems", body.get("totalItems", 0)))


@dataclass(frozen=True)
class Runs:
    invoices: int
    concurrent: float
    sequential: float
    floor: float
    tuned: float
    tuned_requests: int
    requests: int
    rss_before: float | None


async def _measure(base_url: str) -> Runs:
    invoices = await _count_invoices(base_url)
    rss_before = current_rss_mb()
    concurrent_seconds, concurrent_report, requests = await _aging(base_url)
    sequential_seconds, sequential_report, _ = await _aging(base_url, FLOWTLY_CONCURRENCY="1")
    floor_seconds, floor_report, _ = await _aging(base_url, 0.0)
    tuned_seconds, tuned_report, tuned_requests = await _aging(base_url, LATENCY, **TUNED)
    if not concurrent_report == sequential_report == floor_report == tuned_report:
        raise RuntimeError("the aging reports differ between runs")
    return Runs(
        invoices,
        concurrent_seconds,
        sequential_seconds,
        floor_seconds,
        tuned_seconds,
        tuned_requests,
        requests,
        rss_before,
    )


def run() -> SectionResult:
    result = SectionResult("aging", "Receivables aging at scale")
    size = fixtures.size_for_invoices(INVOICES)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bench.sandbox_server", "--size", str(size), "--port", str(port)]
    with serving(command, port):
        runs = anyio.run(_measure, base_url)
    invoices, concurrent, sequential = runs.invoices, runs.concurrent, runs.sequential
    concurrency = fixtures.api_settings().concurrency
    result.add(
        Figure(
            "aging.speedup",
            f"Aging of {invoices:,} invoices: concurrent pages / one by one, speed-up",
            round(sequential / concurrent, 2),
            "x",
            Target(">=", SPEEDUP_TARGET),
            baseline=f"one page at a time: {sequential:.1f} s",
            note=f"{concurrency} pages in flight (the default): {concurrent:.1f} s",
        )
    )
    result.add(
        Figure(
            "aging.peak_rss",
            "Peak RSS of the MCP server process",
            round(peak_rss_mb(), 1),
            "MB",
            Target("<=", RSS_TARGET_MB),
            note="resource.getrusage ru_maxrss over all four runs"
            + (f"; {runs.rss_before:.0f} MB resident before the first call" if runs.rss_before else ""),
        )
    )
    result.add(
        Figure(
            "aging.concurrent_s",
            "Aging, concurrent (absolute)",
            round(concurrent, 2),
            "s",
            note=f"{LATENCY * 1000:.0f} ms injected per request; {runs.requests:,} requests per run",
        )
    )
    result.add(
        Figure(
            "aging.floor_s",
            "Aging with no injected latency (the work concurrency cannot hide)",
            round(runs.floor, 2),
            "s",
            note=f"bounds the speed-up at about {sequential / runs.floor:.1f}x on this machine",
        )
    )
    result.add(
        Figure(
            "aging.tuned_speedup",
            "Same, with FLOWTLY_CONCURRENCY=8 and FLOWTLY_PAGE_SIZE=100: speed-up over one by one",
            round(sequential / runs.tuned, 2),
            "x",
            baseline=f"one page of 30 at a time: {sequential:.1f} s",
            note=f"{runs.tuned:.1f} s, {runs.tuned_requests:,} requests",
        )
    )
    waited = sequential - runs.floor
    result.add(
        Figure(
            "aging.latency_hidden",
            "Share of the injected waiting that concurrency hides",
            round(100 * (sequential - concurrent) / waited, 1) if waited > 0 else 0.0,
            "%",
            baseline="(one by one - concurrent) / (one by one - no latency)",
        )
    )
    result.notes.append(
        f"Sandbox seeded at size {size:g} ({invoices:,} invoices), served by uvicorn in its own process on "
        f"127.0.0.1; tool `{TOOL}` called through an in-memory MCP client with {ARGUMENTS}."
    )
    result.notes.append(
        "The sandbox is single-threaded and spends CPU time on every page; concurrency overlaps the injected "
        "latency, not that work, so the speed-up is bounded by the sandbox's time per page."
    )
    return result
