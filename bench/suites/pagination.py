"""Pagination under latency: `fetch_all` over a large collection, one page at a time vs several in flight.

Every request waits 20 ms in a transport wrapper before it reaches the in-process sandbox, as a network round trip
would. The sequential walk (concurrency 1) is the baseline; the records must come back identical either way.
"""

from __future__ import annotations

import time

import anyio

from bench import fixtures
from bench.model import Figure, SectionResult
from flowtly_mcp.api import ApiSettings
from flowtly_mcp.sandbox import Sandbox

LATENCY = 0.020
SIZE = 10.0
COLLECTION = "/invoices"
WIDTHS = (1, 4, 8)


async def _walk(box: Sandbox, concurrency: int, page_size: int | None = None) -> tuple[float, list[object], int]:
    params = {"itemsPerPage": page_size} if page_size else None
    async with fixtures.api_client(box, delay=LATENCY, concurrency=max(concurrency, 1)) as api:
        started = time.perf_counter()
        records = await api.fetch_all(COLLECTION, params, concurrency=concurrency)
        seconds = time.perf_counter() - started
    return seconds, [record.get("@id") or record.get("id") for record in records], len(records)


async def _measure() -> SectionResult:
    result = SectionResult("pagination", "Pagination under latency")
    box = fixtures.sandbox(SIZE)
    # One unmeasured walk warms the sandbox's caches, so the first measured walk is not penalised.
    await _walk(box, WIDTHS[-1])
    timings: dict[int, float] = {}
    reference: list[object] | None = None
    count = 0
    for width in WIDTHS:
        seconds, ids, count = await _walk(box, width)
        if reference is None:
            reference = ids
        elif ids != reference:
            raise RuntimeError(f"concurrency {width} returned different records than a sequential walk")
        timings[width] = seconds
    large_seconds, large_ids, _ = await _walk(box, 1, box.config.max_page_size)
    if large_ids != reference:
        raise RuntimeError("a walk with larger pages returned different records")
    pages = -(-count // box.config.page_size)
    sequential = timings[1]
    result.add(
        Figure(
            "pagination.sequential_s",
            f"Sequential fetch_all of {count:,} records ({pages} pages)",
            round(sequential, 2),
            "s",
            note=f"{LATENCY * 1000:.0f} ms injected per request",
        )
    )
    for width in WIDTHS[1:]:
        result.add(
            Figure(
                f"pagination.speedup_{width}",
                f"Concurrent fetch_all, {width} pages in flight: speed-up",
                round(sequential / timings[width], 2),
                "x",
                baseline=f"sequential walk: {sequential:.2f} s",
                note=f"{timings[width]:.2f} s; same records in the same order",
            )
        )
    result.add(
        Figure(
            "pagination.larger_pages",
            f"Sequential walk asking for {box.config.max_page_size} records per page: speed-up",
            round(sequential / large_seconds, 2),
            "x",
            baseline=f"sequential walk at the default {box.config.page_size} per page: {sequential:.2f} s",
            note=f"{large_seconds:.2f} s; itemsPerPage={box.config.max_page_size} is the sandbox's maximum",
        )
    )
    result.notes.append(
        f"{COLLECTION} of a seeded sandbox of size {SIZE:g}, {box.config.page_size} records per page; "
        f"the API client's default concurrency is {ApiSettings().concurrency}."
    )
    return result


def run() -> SectionResult:
    return anyio.run(_measure)
