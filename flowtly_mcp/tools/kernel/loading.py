"""Reading whole collections for a workflow: several listings at once, one progress stream, tolerant parsing.

A workflow often needs every invoice, client and counterparty before it can answer. The listings are fetched
concurrently (and each one's pages concurrently, by the API client); their page counts are added into the call's
single progress stream, which only ever goes up, as MCP progress requires.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio

from flowtly_mcp.api.endpoints import Endpoint
from flowtly_mcp.api.query import Params
from flowtly_mcp.tools.kernel.runtime import Invocation

Record = dict[str, Any]
View = TypeVar("View")
T = TypeVar("T")
# Unreadable records are reported by id, but a report listing hundreds of them would drown the answer.
MAX_WARNINGS = 10


@dataclass(frozen=True)
class Listing:
    endpoint: Endpoint
    params: Params | None = None

    @property
    def path(self) -> str:
        return self.endpoint.path()


class Progress:
    """The progress of one call: a single stream that only goes up, across phases (reading, then writing).

    Previews report nothing (`silent`): on a confirming call the preview runs again before the work itself, and
    two streams starting from zero in one request would go backwards.
    """

    def __init__(self, inv: Invocation | None) -> None:
        self._inv = inv
        self._offset = 0.0
        self._last = 0.0

    @classmethod
    def silent(cls) -> Progress:
        return cls(None)

    def next_phase(self) -> None:
        self._offset = self._last

    async def report(self, done: float, total: float | None, message: str) -> None:
        value = self._offset + done
        if self._inv is None or value <= self._last:
            return
        self._last = value
        await self._inv.progress(value, None if total is None else self._offset + total, message)


class PageProgress:
    """Adds up the pages read by concurrent listings and reports the sum."""

    def __init__(self, progress: Progress, what: str, names: Iterable[str]) -> None:
        self._progress = progress
        self._what = what
        self._done: dict[str, int] = dict.fromkeys(names, 0)
        self._totals: dict[str, int | None] = dict.fromkeys(self._done)
        self._lock = anyio.Lock()

    def callback(self, name: str) -> Callable[[int, int | None], Any]:
        async def report(done: int, total: int | None) -> None:
            async with self._lock:
                self._done[name] = done
                self._totals[name] = total if total is not None else self._totals.get(name)
                pages = sum(self._done.values())
                totals = self._totals.values()
                whole = sum(t for t in totals if t is not None) if all(t is not None for t in totals) else None
                await self._progress.report(pages, whole, f"{self._what}: {pages} pages read")

        return report


async def fetch_many(
    inv: Invocation, listings: Mapping[str, Listing], what: str, progress: Progress
) -> dict[str, list[Record]]:
    """Every record of each listing, fetched concurrently; the first failure is raised as itself."""
    pages = PageProgress(progress, what, listings)
    results: dict[str, list[Record]] = {}

    async def load(name: str, listing: Listing) -> None:
        results[name] = await inv.api.fetch_all(listing.path, listing.params, on_progress=pages.callback(name))

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


async def gather(calls: Sequence[Callable[[], Awaitable[T]]], *, limit: int = 6) -> list[T]:
    """Run independent reads concurrently (at most `limit` at once); results in the order of `calls`.

    The first failure is raised as itself, not wrapped in an exception group, so the error boundary can
    describe it.
    """
    results: dict[int, T] = {}
    limiter = anyio.CapacityLimiter(limit)

    async def run(index: int, call: Callable[[], Awaitable[T]]) -> None:
        async with limiter:
            results[index] = await call()

    try:
        async with anyio.create_task_group() as group:
            for index, call in enumerate(calls):
                group.start_soon(run, index, call)
    except BaseExceptionGroup as failures:
        raise _first_leaf(failures) from None
    return [results[index] for index in range(len(calls))]
