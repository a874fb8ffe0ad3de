"""Walking a paginated collection: every page in order, optionally several at once, or a slice from a position.

These functions only know how to ask for page N (`FetchPage`); the client supplies that, so the walking rules are
the same whatever the listing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio

from .models import Page

FetchPage = Callable[[int], Awaitable[Page]]
PageSeen = Callable[[Page], Awaitable[None]]


class PaginationStuck(Exception):
    """The server's next page does not advance, so walking on would never end."""


async def walk_pages(fetch: FetchPage, *, concurrency: int) -> AsyncIterator[Page]:
    """Every page from the first, in order.

    When the first page tells how many pages there are, the rest are fetched `concurrency` at a time; the pages,
    and so the records, come out exactly as a one-by-one walk would give them.
    """
    page = await fetch(1)
    yield page
    if page.next_page is None:
        return
    last = page.last_page
    if concurrency > 1 and last is not None and last > page.page + 1:
        for window in _windows(range(page.page + 1, last + 1), concurrency):
            for fetched in await _fetch_together(fetch, window):
                yield fetched
                page = fetched
                if page.next_page is None:
                    # The collection shrank while being read: stop where a one-by-one walk would.
                    return
    while page.next_page is not None:
        _check_progress(page)
        previous, page = page, await fetch(page.next_page)
        if page.items and page.total is None and page.items == previous.items:
            # A server that ignores the page number repeats itself forever; what it repeats was already yielded.
            return
        yield page
        if not page.items:
            return


@dataclass(frozen=True)
class Position:
    """Where a slice starts: a page number and an offset of records within that page."""

    page: int
    offset: int


async def take_slice(
    fetch: FetchPage, start: Position, limit: int
) -> tuple[list[dict[str, Any]], int | None, Position | None]:
    """Up to `limit` records from `start`, the total if known, and the position after them (None at the end)."""
    taken: list[dict[str, Any]] = []
    total: int | None = None
    page_number, offset = start.page, start.offset
    while True:
        page = await fetch(page_number)
        if total is None:
            total = page.total
        chunk = page.items[offset : offset + (limit - len(taken))]
        taken.extend(chunk)
        end = offset + len(chunk)
        if len(taken) == limit and end < len(page.items):
            return taken, total, Position(page_number, end)
        if page.next_page is None:
            return taken, total, None
        _check_progress(page)
        if len(taken) == limit:
            return taken, total, await _next_start(fetch, page)
        page_number, offset = page.next_page, 0


async def _next_start(fetch: FetchPage, page: Page) -> Position | None:
    """The start of the page after a fully consumed one, or None if that page turns out to be empty.

    Hydra's `next` link is exact when the server knows the total; without a total it only means "the page was
    full", so the next page is looked at to keep the promise that a cursor always leads somewhere.
    """
    assert page.next_page is not None
    if page.total is not None:
        return Position(page.next_page, 0)
    following = await fetch(page.next_page)
    return Position(page.next_page, 0) if following.items else None


def _check_progress(page: Page) -> None:
    if page.next_page is not None and page.next_page <= page.page:
        raise PaginationStuck(f"page {page.page} points back to page {page.next_page} as the next one")


def _windows(numbers: range, size: int) -> list[Sequence[int]]:
    return [numbers[start : start + size] for start in range(0, len(numbers), size)]


async def _fetch_together(fetch: FetchPage, numbers: Sequence[int]) -> list[Page]:
    results: dict[int, Page] = {}

    async def fetch_one(number: int) -> None:
        results[number] = await fetch(number)

    try:
        async with anyio.create_task_group() as group:
            for number in numbers:
                group.start_soon(fetch_one, number)
    except ExceptionGroup as failures:
        # Callers handle one ApiError, not a group: surface the first failure as itself.
        first = _first_leaf(failures)
        raise first.with_traceback(first.__traceback__) from first.__cause__
    return [results[number] for number in numbers]


def _first_leaf(group: BaseExceptionGroup[Any]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
