"""The routing benchmark: natural requests (tests/data/routing_benchmark.json) and how well search finds their tools.

Shared by the `routing` bench section and the test that holds search to its figures. The tools are read from the
registry (names, titles, descriptions, toolsets) plus the extra keywords of `flowtly_mcp.search`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flowtly_mcp.search import TOOL_KEYWORDS, Entry, ToolIndex
from flowtly_mcp.tools.all import registry

BENCHMARK = Path(__file__).resolve().parent.parent / "tests" / "data" / "routing_benchmark.json"


@dataclass(frozen=True)
class Request:
    text: str
    lang: str
    workflow: str
    tools: tuple[str, ...]
    holdout: bool


@dataclass
class Score:
    """Top-1 and top-3 hits of one set of requests, and the requests missed at top-1."""

    requests: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[Request, list[str]]] = field(default_factory=list)

    @property
    def top1_share(self) -> float:
        return self.top1 / self.requests if self.requests else 0.0

    @property
    def top3_share(self) -> float:
        return self.top3 / self.requests if self.requests else 0.0


def load_requests(path: Path = BENCHMARK) -> list[Request]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Request(item["request"], item["lang"], item["workflow"], tuple(item["tools"]), bool(item["holdout"]))
        for item in data["requests"]
    ]


def registry_entries() -> list[Entry]:
    return [
        Entry(spec.name, spec.title, spec.description, spec.toolset, TOOL_KEYWORDS.get(spec.name, ""))
        for spec in registry()
    ]


def index() -> ToolIndex:
    return ToolIndex(registry_entries())


Ranker = Callable[[str], Sequence[str]]


def evaluate(ranker: Ranker, requests: Iterable[Request]) -> Score:
    """How often the first hit (and any of the first three) is a tool that answers the request."""
    score = Score()
    for request in requests:
        names = list(ranker(request.text))[:3]
        score.requests += 1
        if names and names[0] in request.tools:
            score.top1 += 1
        else:
            score.misses.append((request, names))
        if any(name in request.tools for name in names):
            score.top3 += 1
    return score


def search_ranker(tools: ToolIndex) -> Ranker:
    return lambda text: [hit.name for hit in tools.search(text, 3)]
