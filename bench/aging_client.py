"""One aging run in a fresh process, so its peak RSS is its own: `python -m bench.aging_client URL WAY CONCURRENCY`.

WAY is `tool` (the `receivables_aging` tool through an in-memory MCP client, which streams too) or `fold` (the
streaming fold alone: pages read with the receivables reader, aged as they arrive and dropped). Prints one JSON
line: seconds and CPU time of the aging itself (for the tool, its call: building the server and the session's
handshake are start-up), CPU time of the whole process, peak RSS, requests and a digest of the report (per-currency
totals and invoice counts) to compare the ways.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

import anyio
import httpx2
from mcp import Client

from bench import fixtures
from bench.stats import peak_rss_mb
from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.models import Page
from flowtly_mcp.finance.aging import AgingFold
from flowtly_mcp.finance.allocation import as_of
from flowtly_mcp.finance.records import ClientView, InvoiceView

DAY = fixtures.TODAY


class Stopwatch:
    """Wall and CPU time of what runs between `start()` and `stop()`."""

    def __init__(self) -> None:
        self.seconds = self.cpu_seconds = 0.0
        self._wall = self._cpu = 0.0

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def stop(self) -> None:
        self.seconds, self.cpu_seconds = time.perf_counter() - self._wall, time.process_time() - self._cpu


async def _tool(url: str, concurrency: int, page_size: int, watch: Stopwatch) -> tuple[dict[str, Any], int]:
    wire = fixtures.LatencyTransport(httpx2.AsyncHTTPTransport(), 0.0)
    env = {"FLOWTLY_CONCURRENCY": str(concurrency), "FLOWTLY_PAGE_SIZE": str(page_size)}
    # Building the server and the session's handshake are start-up, not aging: only the tool call is timed.
    async with Client(fixtures.server_on(wire, base_url=url, **env)) as client:
        watch.start()
        result = await client.call_tool("receivables_aging", {"as_of": DAY.isoformat(), "group_by": "client"})
        watch.stop()
    if result.is_error or result.structured_content is None:
        raise RuntimeError(f"receivables_aging failed: {result.content}")
    totals = {line["currency"]: [str(line["total"]), line["invoices"]] for line in result.structured_content["totals"]}
    return totals, wire.requests


async def _fold(url: str, concurrency: int, page_size: int, watch: Stopwatch) -> tuple[dict[str, Any], int]:
    watch.start()
    wire = fixtures.LatencyTransport(httpx2.AsyncHTTPTransport(), 0.0)
    settings = fixtures.api_settings(base_url=url, page_size=page_size, concurrency=concurrency)
    fold = AgingFold(DAY, "client")
    names: dict[str, str] = {}
    async with FlowtlyClient(settings, transport=wire) as api:

        async def invoices() -> None:
            async def add(page: Page) -> None:
                fold.add(as_of([InvoiceView.for_receivables(record) for record in page.items], DAY))

            await api.each_page("/invoices", add)

        async def clients() -> None:
            for record in await api.fetch_all("/clients"):
                client = ClientView.from_api(record)
                if client.name:
                    names[client.id] = client.name

        async with anyio.create_task_group() as group:
            group.start_soon(invoices)
            group.start_soon(clients)
    report = fold.report()
    watch.stop()
    totals = {currency: [str(line.total), line.invoice_count] for currency, line in report.totals.items()}
    return totals, wire.requests


def main(argv: list[str]) -> int:
    url, way, concurrency, page_size = argv[0], argv[1], int(argv[2]), int(argv[3])
    run = {"tool": _tool, "fold": _fold}[way]
    watch = Stopwatch()
    totals, requests = anyio.run(run, url, concurrency, page_size, watch)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {
                "seconds": watch.seconds,
                "cpu_seconds": cpu,
                "run_cpu_seconds": watch.cpu_seconds,
                "peak_rss_mb": peak_rss_mb(),
                "requests": requests,
                "totals": totals,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
