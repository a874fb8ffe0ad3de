"""Routing: does search put the right tool first for requests as people phrase them (English and Polish)?

The benchmark (`tests/data/routing_benchmark.json`) holds natural requests across every workflow, each with the tools
that answer it; a quarter are held out (never used to tune the vocabulary) and reported apart. Beside it: today's
literal `search_tools` ranking as the baseline, the o200k size of a five-hit result in the compact format (and in
today's pretty-printed format with every schema), and a default tool list chosen from the benchmark's evidence.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench import routing
from bench.literal_search import literal_rank
from bench.model import Figure, SectionResult, Table, Target
from bench.processes import REPO, flowtly_command, isolated_env
from bench.stats import median
from bench.stdio_wire import list_tools
from bench.suites.tokens import visible
from bench.tokenizer import count
from flowtly_mcp.search import compact_result
from flowtly_mcp.tools.all import registry
from flowtly_mcp.tools.kernel.registry import Risk
from flowtly_mcp.tools.kernel.tool_search import input_schema

TOP1_TARGET = 0.95
TOP3_TARGET = 1.0
RESULT_TARGET = 1000
SURFACE_BUDGET = 2000
HITS = 5
ALWAYS_LISTED = ("search_tools", "execute_tool")
MIN_EVIDENCE = 2


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _visible_tokens() -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="flowtly-bench-") as scratch:
        home = Path(scratch)
        listing = list_tools(
            flowtly_command(home / "sandbox.sqlite3", "--toolsets", "all"), env=isolated_env(home), cwd=str(REPO)
        )
    return {tool["name"]: visible(tool) for tool in listing.tools}


def propose_surface(requests: list[routing.Request], cost: dict[str, int]) -> list[str]:
    """Greedy: the tool answering the most requests not yet answered (the cheaper on a tie), while the budget lasts.

    search_tools and execute_tool are always listed (they reach everything else); a tool needs at least
    MIN_EVIDENCE requests to earn a place, so one odd request does not list a rarely used tool; tools that delete
    data (delete, merge, detach) are left to search, so that none sits in every context inviting a call."""
    chosen = list(ALWAYS_LISTED)
    specs = registry()
    destructive = {spec.name for spec in specs if spec.risk is Risk.DESTRUCTIVE}
    spent = sum(cost[name] for name in chosen)
    open_requests = list(requests)
    while open_requests:
        votes = Counter(name for request in open_requests for name in request.tools if name not in chosen)
        candidates = [
            (votes[name], -cost[name], name)
            for name in votes
            if votes[name] >= MIN_EVIDENCE and name not in destructive and spent + cost[name] <= SURFACE_BUDGET
        ]
        if not candidates:
            break
        *_, best = max(candidates)
        chosen.append(best)
        spent += cost[best]
        open_requests = [request for request in open_requests if best not in request.tools]
    return chosen


def _old_format(names: list[str], listed: set[str]) -> str:
    specs = registry()
    tools = []
    for name in names:
        spec = specs.get(name)
        assert spec is not None
        tools.append(
            {
                "name": name,
                "title": spec.title,
                "description": spec.description,
                "toolset": spec.toolset,
                "risk": spec.risk.value,
                "listed": name in listed,
                "input_schema": None if name in listed else input_schema(spec),
            }
        )
    return json.dumps({"tools": tools}, indent=2)


def run() -> SectionResult:
    result = SectionResult("routing", "Routing: the right tool for a request")
    requests = routing.load_requests()
    tune = [request for request in requests if not request.holdout]
    held = [request for request in requests if request.holdout]
    started = time.perf_counter()
    index = routing.index()
    build_ms = (time.perf_counter() - started) * 1000
    ranker = routing.search_ranker(index)
    specs = registry()

    def literal(text: str) -> list[str]:
        return [spec.name for spec in literal_rank(specs, text)[:3]]

    whole, tuned, holdout = (routing.evaluate(ranker, part) for part in (requests, tune, held))
    old = routing.evaluate(literal, requests)
    result.add(
        Figure(
            "routing.top1",
            f"Search top-1, all {whole.requests} requests",
            _share(whole.top1, whole.requests),
            "%",
            Target(">=", 100 * TOP1_TARGET),
            baseline=f"today's literal search_tools: {_share(old.top1, old.requests)}%",
        )
    )
    result.add(
        Figure(
            "routing.top3",
            "Search top-3, all requests",
            _share(whole.top3, whole.requests),
            "%",
            Target(">=", 100 * TOP3_TARGET),
            baseline=f"today's literal search_tools: {_share(old.top3, old.requests)}%",
        )
    )
    for key, label, score in (("tune", "tuned on", tuned), ("holdout", "held out", holdout)):
        result.add(
            Figure(
                f"routing.{key}.top1",
                f"Search top-1 / top-3 on the {len(tune) if key == 'tune' else len(held)} requests {label}",
                _share(score.top1, score.requests),
                "%",
                note=f"top-3 {_share(score.top3, score.requests)}%",
            )
        )
    entries = {entry.name: entry for entry in routing.registry_entries()}
    listed = {spec.name for spec in specs if spec.core}
    new_sizes: list[int] = []
    old_sizes: list[int] = []
    times: list[float] = []
    for request in requests:
        began = time.perf_counter()
        hits = index.search(request.text, HITS)
        times.append(time.perf_counter() - began)
        text = compact_result(
            hits,
            entries,
            schema_of=lambda name: input_schema(specs.get(name)),  # type: ignore[arg-type]
            listed=listed,
            risk_of=lambda name: specs.get(name).risk.value,  # type: ignore[union-attr]
        )
        new_sizes.append(count(text))
        old_sizes.append(count(_old_format([spec.name for spec in literal_rank(specs, request.text)[:HITS]], listed)))
    result.add(
        Figure(
            "routing.result_tokens_max",
            f"A {HITS}-hit search result, compact format, largest over the benchmark",
            max(new_sizes),
            "tokens",
            Target("<=", RESULT_TARGET),
            baseline=f"today's format (pretty-printed, every schema): median {median(old_sizes):.0f}, "
            f"largest {max(old_sizes):,}",
            note=f"median {median(new_sizes):.0f}; o200k; input schemas for the best 2 unlisted hits",
        )
    )
    result.add(
        Figure(
            "routing.search_ms",
            "Search time per request (median)",
            round(median(times) * 1000, 2),
            "ms",
            note=f"index of {len(index)} tools built in {build_ms:.0f} ms; slowest request {max(times) * 1000:.1f} ms",
        )
    )
    _surface(result, requests, index)
    result.tables.append(
        Table(
            "Per workflow: search top-1 and top-3",
            ["workflow", "requests", "top-1", "top-3", "today's top-1"],
            [
                [
                    workflow,
                    str(len(members)),
                    f"{_share((s := routing.evaluate(ranker, members)).top1, s.requests)}%",
                    f"{_share(s.top3, s.requests)}%",
                    f"{_share((o := routing.evaluate(literal, members)).top1, o.requests)}%",
                ]
                for workflow, members in sorted(_by_workflow(requests).items())
            ],
        )
    )
    result.tables.append(
        Table(
            "Requests search does not answer at top-1",
            ["request", "set", "answered by", "search's top 3"],
            [
                [request.text, "held out" if request.holdout else "tuned", ", ".join(request.tools), ", ".join(got)]
                for request, got in whole.misses
            ],
        )
    )
    result.notes.append(
        f"{len(requests)} requests ({Counter(r.lang for r in requests)['pl']} Polish, with and without diacritics); "
        f"{len(held)} held out. Ranking: `flowtly_mcp.search.ToolIndex` over the registry's names, titles, "
        "descriptions and toolsets plus `flowtly_mcp.search.TOOL_KEYWORDS`; baseline: "
        "`bench.literal_search` (search_tools before it)."
    )
    return result


def _by_workflow(requests: list[routing.Request]) -> dict[str, list[routing.Request]]:
    groups: dict[str, list[routing.Request]] = defaultdict(list)
    for request in requests:
        groups[request.workflow].append(request)
    return groups


def _surface(result: SectionResult, requests: list[routing.Request], index: Any) -> None:
    cost = _visible_tokens()
    chosen = propose_surface(requests, cost)
    listed = set(chosen)
    spent = sum(cost[name] for name in chosen)
    direct = [request for request in requests if listed & set(request.tools)]

    def one_step(request: routing.Request) -> bool:
        hits = index.search(request.text, 1)
        return bool(listed & set(request.tools)) or bool(hits and hits[0].name in request.tools)

    reachable = [request for request in requests if one_step(request)]
    result.add(
        Figure(
            "routing.surface_tokens",
            f"Proposed default surface ({len(chosen)} tools), visible tokens",
            spent,
            "tokens",
            Target("<=", SURFACE_BUDGET),
            note=", ".join(chosen),
        )
    )
    result.add(
        Figure(
            "routing.surface_direct",
            "Requests answered by a tool of the proposed surface",
            _share(len(direct), len(requests)),
            "%",
            note="the rest go through search_tools",
        )
    )
    result.add(
        Figure(
            "routing.one_step",
            "Requests reachable in one step (listed, or search's top-1)",
            _share(len(reachable), len(requests)),
            "%",
        )
    )
    result.tables.append(
        Table(
            "Proposed default surface: per workflow",
            ["workflow", "requests", "answered by a listed tool", "listed or search top-1"],
            [
                [
                    workflow,
                    str(len(members)),
                    str(sum(1 for r in members if listed & set(r.tools))),
                    str(sum(1 for r in members if one_step(r))),
                ]
                for workflow, members in sorted(_by_workflow(requests).items())
            ],
        )
    )
