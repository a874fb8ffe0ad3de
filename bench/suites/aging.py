"""Receivables aging over 20,000 invoices against an API with 20 ms latency and no CPU: concurrency and memory.

The API is `bench.canned_api` in its own process: canned pages, a fixed 20 ms wait, next to no CPU per answer, so
the speed-up of fetching pages concurrently is the client's alone. Every run is a fresh process (`bench.aging_client`)
so its peak RSS belongs to that run: the streaming fold (pages aged as they arrive, then dropped) one page at a time,
with 4 and 8 pages in flight, and with 100 records per page; and the `receivables_aging` tool, which streams the
same way. All runs must report the same totals.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from bench import fixtures
from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, free_port, serving

INVOICES = 20_000
LATENCY = 0.020
SPEEDUP_TARGET = 4.0
RSS_TARGET_MB = 150.0
RUN_TIMEOUT = 120.0
# (label, way, pages in flight, records per page); the first is the baseline.
RUNS = (
    ("fold, one page at a time", "fold", 1, 30),
    ("fold, 4 pages in flight (default)", "fold", 4, 30),
    ("fold, 8 pages in flight", "fold", 8, 30),
    ("fold, 8 in flight, 100 per page", "fold", 8, 100),
    ("receivables_aging tool, 4 in flight", "tool", 4, 30),
)


@dataclass(frozen=True)
class Run:
    label: str
    way: str
    concurrency: int
    page_size: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    requests: int
    totals: dict[str, list[object]]


def _run(url: str, label: str, way: str, concurrency: int, page_size: int) -> Run:
    finished = subprocess.run(
        [sys.executable, "-m", "bench.aging_client", url, way, str(concurrency), str(page_size)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{finished.stderr[-2000:]}")
    data = json.loads(finished.stdout.strip().splitlines()[-1])
    return Run(
        label,
        way,
        concurrency,
        page_size,
        data["seconds"],
        data["cpu_seconds"],
        data["peak_rss_mb"],
        data["requests"],
        data["totals"],
    )


def run() -> SectionResult:
    result = SectionResult("aging", "Receivables aging at scale")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bench.canned_api", "--invoices", str(INVOICES), "--port", str(port)]
    command += ["--latency", str(LATENCY)]
    with serving(command, port, ready_within=200.0):
        runs = [_run(url, *spec) for spec in RUNS]
    if any(run.totals != runs[0].totals for run in runs):
        raise RuntimeError(f"the runs disagree on the totals: {[run.totals for run in runs]}")
    baseline, default, wide = runs[0], runs[1], runs[2]
    open_invoices = sum(int(str(count)) for _, count in runs[0].totals.values())
    best = min(runs[1:4], key=lambda run: run.seconds)
    result.add(
        Figure(
            "aging.speedup",
            f"Aging {INVOICES:,} invoices, streaming fold, 8 pages in flight / one at a time",
            round(baseline.seconds / wide.seconds, 2),
            "x",
            Target(">=", SPEEDUP_TARGET),
            baseline=f"one page at a time: {baseline.seconds:.1f} s, {baseline.requests} requests",
            note=f"{wide.seconds:.1f} s; default 4 in flight: {baseline.seconds / default.seconds:.2f}x",
        )
    )
    result.add(
        Figure(
            "aging.best_speedup",
            f"Fastest fold ({best.label}) / one at a time",
            round(baseline.seconds / best.seconds, 2),
            "x",
            note=f"{best.seconds:.2f} s, {best.requests} requests",
        )
    )
    result.add(
        Figure(
            "aging.peak_rss",
            "Peak RSS of the client process, streaming fold, 8 pages in flight",
            round(wide.peak_rss_mb, 1),
            "MB",
            Target("<=", RSS_TARGET_MB),
            note="getrusage ru_maxrss of a fresh process: interpreter, mcp and the project imported, the fold, "
            "pages in flight",
        )
    )
    tool = runs[4]
    result.add(
        Figure(
            "aging.tool_peak_rss",
            "Peak RSS of the receivables_aging tool (folds each page as it arrives)",
            round(tool.peak_rss_mb, 1),
            "MB",
            note=f"{tool.seconds:.1f} s with 4 pages in flight",
        )
    )
    result.add(
        Figure(
            "aging.cpu_bound",
            "Client CPU per page, one at a time (what concurrency cannot hide)",
            round(1000 * baseline.cpu_seconds / baseline.requests, 1),
            "ms",
            note=f"{baseline.cpu_seconds:.1f} s CPU of the client process for {baseline.requests} pages, start-up "
            f"included; bounds the speed-up at about {baseline.seconds / baseline.cpu_seconds:.1f}x on this machine",
        )
    )
    result.tables.append(
        Table(
            f"Every run against the canned API ({open_invoices:,} of the invoices are open receivables; "
            f"{LATENCY * 1000:.0f} ms per request)",
            ["run", "pages in flight", "per page", "requests", "seconds", "client CPU s", "speed-up", "peak RSS (MB)"],
            [
                [
                    run.label,
                    str(run.concurrency),
                    str(run.page_size),
                    f"{run.requests:,}",
                    f"{run.seconds:.2f}",
                    f"{run.cpu_seconds:.2f}",
                    f"{baseline.seconds / run.seconds:.2f}x",
                    f"{run.peak_rss_mb:.0f}",
                ]
                for run in runs
            ],
        )
    )
    result.notes.append(
        f"API: `python -m bench.canned_api` on 127.0.0.1 in its own process: {INVOICES:,} invoices from a seeded "
        f"sandbox (size {fixtures.size_for_invoices(INVOICES):g}), read once at its start; then each request waits "
        f"{LATENCY * 1000:.0f} ms and gets stored bytes. Each run is `python -m bench.aging_client URL WAY "
        "CONCURRENCY PAGE_SIZE` in a fresh process; all runs report the same per-currency totals and counts."
    )
    result.notes.append(
        "The fold run reads /invoices through `FlowtlyClient.each_page` (requests kept in flight while pages are "
        "folded, in the order they arrive), reads each page with `InvoiceView.for_receivables` as it stood on the "
        "report date and folds it into `finance.aging.AgingFold`, while /clients is read beside it for names; the "
        "tool run calls `receivables_aging` (which streams the same way) through an in-memory MCP client."
    )
    return result
