"""Receivables aging over 20,000 invoices against an API with 20 ms latency and no CPU: concurrency and memory.

The API is `bench.canned_api` in its own process: canned pages, a fixed 20 ms wait, next to no CPU per answer, so
the speed-up of fetching pages concurrently is the client's alone. Every run is a fresh process (`bench.aging_client`)
so its peak RSS belongs to that run: the streaming fold (pages aged as they arrive, then dropped) one page at a time,
with 4 and 8 pages in flight, and with 100 records per page; and the `receivables_aging` tool, which streams the
same way, with its default 4 pages in flight. All runs must report the same totals. The whole set runs up to ROUNDS
times (as many as fit the section's time on a loaded machine, at least one); each speed-up is a ratio within one
round (the same load on the shared machine for both), reported as the median with min and max over the rounds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import fixtures
from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, free_port, serving
from bench.stats import median

INVOICES = 20_000
LATENCY = 0.020
SPEEDUP_TARGET = 4.0
RSS_TARGET_MB = 150.0
RUN_TIMEOUT = 120.0
ROUNDS = 3
# The bench gives a section 240 s: another round starts only if one more as long as the last still fits this.
ROUNDS_WITHIN = 200.0
# (label, way, pages in flight, records per page); the first is the baseline.
RUNS = (
    ("fold, one page at a time", "fold", 1, 30),
    ("fold, 4 pages in flight (default)", "fold", 4, 30),
    ("fold, 8 pages in flight", "fold", 8, 30),
    ("fold, 8 in flight, 100 per page", "fold", 8, 100),
    # Beside the fold at 4 in flight: whether the tool adds time of its own.
    ("receivables_aging tool, 4 in flight (default)", "tool", 4, 30),
)


@dataclass(frozen=True)
class Run:
    label: str
    way: str
    concurrency: int
    page_size: int
    seconds: float
    cpu_seconds: float
    run_cpu_seconds: float
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
        data["run_cpu_seconds"],
        data["peak_rss_mb"],
        data["requests"],
        data["totals"],
    )


def _spread(values: list[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f} / {median(values):.{digits}f} / {max(values):.{digits}f}"


def run() -> SectionResult:
    result = SectionResult("aging", "Receivables aging at scale")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bench.canned_api", "--invoices", str(INVOICES), "--port", str(port)]
    command += ["--latency", str(LATENCY)]
    started = time.monotonic()
    rounds: list[list[Run]] = []
    with serving(command, port, ready_within=200.0):
        while len(rounds) < ROUNDS:
            round_started = time.monotonic()
            rounds.append([_run(url, *spec) for spec in RUNS])
            if time.monotonic() - started + (time.monotonic() - round_started) > ROUNDS_WITHIN:
                break
    every = [run for runs in rounds for run in runs]
    if any(run.totals != every[0].totals for run in every):
        raise RuntimeError(f"the runs disagree on the totals: {[run.totals for run in every]}")
    # Per configuration (the index into RUNS), its runs over the rounds, and its speed-up within each round.
    by_spec = [[runs[index] for runs in rounds] for index in range(len(RUNS))]
    speedups = [[runs[0].seconds / runs[index].seconds for runs in rounds] for index in range(len(RUNS))]
    baseline, wide, tool = by_spec[0], by_spec[2], by_spec[4]
    open_invoices = sum(int(str(count)) for _, count in every[0].totals.values())
    best = max(range(1, 4), key=lambda index: median(speedups[index]))
    seconds = [run.seconds for run in baseline]
    result.add(
        Figure(
            "aging.speedup",
            f"Aging {INVOICES:,} invoices, streaming fold, 8 pages in flight / one at a time (median of {len(rounds)})",
            round(median(speedups[2]), 2),
            "x",
            Target(">=", SPEEDUP_TARGET),
            baseline=f"one page at a time: {median(seconds):.1f} s, {baseline[0].requests} requests",
            note=f"min / median / max over {len(rounds)} rounds: {_spread(speedups[2])}x; 8 in flight "
            f"{median([run.seconds for run in wide]):.1f} s; default 4 in flight: {_spread(speedups[1])}x",
        )
    )
    result.add(
        Figure(
            "aging.best_speedup",
            f"Fastest fold ({RUNS[best][0]}) / one at a time",
            round(median(speedups[best]), 2),
            "x",
            note=f"min / median / max {_spread(speedups[best])}x; "
            f"{median([run.seconds for run in by_spec[best]]):.2f} s, {by_spec[best][0].requests} requests",
        )
    )
    result.add(
        Figure(
            "aging.peak_rss",
            "Peak RSS of the client process, streaming fold, 8 pages in flight (highest of the rounds)",
            round(max(run.peak_rss_mb for run in wide), 1),
            "MB",
            Target("<=", RSS_TARGET_MB),
            note="getrusage ru_maxrss of a fresh process: interpreter, mcp and the project imported, the fold, "
            "pages in flight",
        )
    )
    result.add(
        Figure(
            "aging.tool_peak_rss",
            "Peak RSS of the receivables_aging tool (folds each page as it arrives)",
            round(max(run.peak_rss_mb for run in tool), 1),
            "MB",
            note=f"{median([run.seconds for run in tool]):.1f} s with 4 pages in flight "
            f"({_spread(speedups[4])}x one page at a time; the fold at 4: "
            f"{median([run.seconds for run in by_spec[1]]):.1f} s)",
        )
    )
    per_page = [1000 * run.run_cpu_seconds / run.requests for run in baseline]
    result.add(
        Figure(
            "aging.cpu_bound",
            "Client CPU per page, one at a time (what concurrency cannot hide), start-up excluded",
            round(median(per_page), 2),
            "ms",
            note=f"min / median / max {_spread(per_page)} ms: CPU of the client process during the run "
            f"(process start-up and imports, {median([run.cpu_seconds - run.run_cpu_seconds for run in baseline]):.1f}"
            f" s, apart) for {baseline[0].requests} pages; bounds the speed-up at about "
            f"{median([run.seconds / run.run_cpu_seconds for run in baseline]):.1f}x on this machine",
        )
    )
    result.tables.append(
        Table(
            f"Every run against the canned API ({open_invoices:,} of the invoices are open receivables; "
            f"{LATENCY * 1000:.0f} ms per request), {len(rounds)} rounds: min / median / max",
            [
                "run",
                "pages in flight",
                "per page",
                "requests",
                "seconds",
                "client CPU s (run)",
                "speed-up",
                "peak RSS (MB)",
            ],
            [
                [
                    runs[0].label,
                    str(runs[0].concurrency),
                    str(runs[0].page_size),
                    f"{runs[0].requests:,}",
                    _spread([run.seconds for run in runs]),
                    _spread([run.run_cpu_seconds for run in runs]),
                    _spread(speedups[index]) + "x",
                    f"{max(run.peak_rss_mb for run in runs):.0f}",
                ]
                for index, runs in enumerate(by_spec)
            ],
        )
    )
    result.notes.append(
        f"API: `python -m bench.canned_api` on 127.0.0.1 in its own process: {INVOICES:,} invoices from a seeded "
        f"sandbox (size {fixtures.size_for_invoices(INVOICES):g}), read once at its start; then each request waits "
        f"{LATENCY * 1000:.0f} ms and gets stored bytes. Each run is `python -m bench.aging_client URL WAY "
        "CONCURRENCY PAGE_SIZE` in a fresh process; all runs report the same per-currency totals and counts. "
        f"The {len(RUNS)} runs are made {len(rounds)} times in turn; a speed-up is taken within a round."
    )
    result.notes.append(
        "The fold run reads /invoices through `FlowtlyClient.each_page` (requests kept in flight while pages are "
        "folded, in the order they arrive), reads each page with `InvoiceView.for_receivables` as it stood on the "
        "report date and folds it into `finance.aging.AgingFold`, while /clients is read beside it for names; the "
        "tool run calls `receivables_aging` (which streams the same way) through an in-memory MCP client, and its "
        "seconds and run CPU are those of the call (building the server and the session's handshake are start-up)."
    )
    return result
