"""Reading whole collections for a workflow: several listings at once, one progress stream, tolerant parsing.

A workflow often needs every invoice, client and counterparty before it can answer. The listings are fetched
concurrently (and each one's pages concurrently, by the API client); their page counts are added into a single
progress stream that only ever goes up, as MCP progress requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio

from flowtly_mcp.api.query import Params
from flowtly_mcp.tools.runtime import Invocation

Record = dict[str, Any]
View = TypeVar("View")
# Unreadable records are reported by id, but a report listing hundreds of them would drown the answer.
MAX_WARNINGS = 10


@dataclass(frozen=True)
class Listing:
    path: str
    params: Params | None = None


class PageProgress:
    """Adds up the pages read by concurrent listings and reports the sum as one monotonic progress."""

    def __init__(self, inv: Invocation, what: str) -> None:
        self._inv = inv
        self._what = what
        self._done: dict[str, int] = {}
        self._totals: dict[str, int | None] = {}
        self._lock = anyio.Lock()

    def expect(self, names: Iterable[str]) -> None:
        for name in names:
            self._done.setdefault(name, 0)
            self._totals.setdefault(name, None)

    def callback(self, name: str) -> Callable[[int, int | None], Any]:
        async def report(done: int, total: int | None) -> None:
            async with self._lock:
                self._done[name] = done
                self._totals[name] = total if total is not None else self._totals.get(name)
                pages = sum(self._done.values())
                totals = self._totals.values()
                whole = sum(t for t in totals if t is not None) if all(t is not None for t in totals) else None
                await self._inv.progress(pages, whole, f"{self._what}: {pages} pages read")

        return report


async def fetch_many(inv: Invocation, listings: Mapping[str, Listing], what: str) -> dict[str, list[Record]]:
    """Every record of each listing, fetched concurrently; the first failure is raised as itself."""
    progress = PageProgress(inv, what)
    progress.expect(listings)
    results: dict[str, list[Record]] = {}

    async def load(name: str, listing: Listing) -> None:
        results[name] = await inv.api.fetch_all(listing.path, listing.params, on_progress=progress.callback(name))

    try:
        async with anyio.create_task_group() as group:
            for name, listing in listings.items():
                group.start_soon(load, name, listing)
    except ExceptionGroup as failures:
        first = _first_leaf(failures)
        raise first.with_traceback(first.__traceback__) from None
    return results


async def get_many(inv: Invocation, paths: Sequence[str], *, limit: int = 6) -> list[Record]:
    """Several single records at once (at most `limit` in flight), in the order of `paths`."""
    results: dict[int, Record] = {}
    limiter = anyio.CapacityLimiter(limit)

    async def get(index: int, path: str) -> None:
        async with limiter:
            results[index] = await inv.api.get(path)

    try:
        async with anyio.create_task_group() as group:
            for index, path in enumerate(paths):
                group.start_soon(get, index, path)
    except ExceptionGroup as failures:
        first = _first_leaf(failures)
        raise first.with_traceback(first.__traceback__) from None
    return [results[index] for index in range(len(paths))]


def _first_leaf(group: BaseExceptionGroup[Any]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


def read_views(records: Iterable[Record], reader: Callable[[Record], View], warnings: list[str]) -> list[View]:
    """Parse every record; one that cannot be read is skipped and named in `warnings`, not fatal to the report."""
    views: list[View] = []
    skipped: list[str] = []
    for record in records:
        try:
            views.append(reader(record))
        except ValueError as problem:
            skipped.append(str(problem))
    if skipped:
        shown = "; ".join(skipped[:MAX_WARNINGS])
        more = f" (and {len(skipped) - MAX_WARNINGS} more)" if len(skipped) > MAX_WARNINGS else ""
        warnings.append(f"{len(skipped)} records could not be read and were left out: {shown}{more}")
    return views
