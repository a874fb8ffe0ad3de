"""Listings against the sandbox: both Hydra spellings, whole walks (one by one and concurrent), honest slices."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from flowtly_mcp.api import FlowtlyClient, errors, refs
from flowtly_mcp.sandbox import Sandbox

from .conftest import PAGE_SIZE, SleepRecorder, make_sandbox, settings
from .transports import FaultyTransport, PartialPagination

pytestmark = pytest.mark.anyio

CLIENTS = 44  # in the seed dataset: 5 pages of 10


def ids(records: list[dict[str, object]]) -> list[str]:
    return [refs.id_of(record) for record in records]


@pytest.mark.parametrize("hydra_prefix", [True, False])
async def test_both_hydra_spellings_read_the_same(hydra_prefix: bool) -> None:
    box = make_sandbox(hydra_prefix=hydra_prefix)
    try:
        async with FlowtlyClient(settings(), httpx2.ASGITransport(app=box.app)) as api:
            first = await api.get_page("/clients")
            middle = await api.get_page("/clients", page=3)
            last = await api.get_page("/clients", page=5)
            everything = await api.fetch_all("/clients")
    finally:
        box.close()
    assert (first.total, first.page, first.next_page, first.last_page) == (CLIENTS, 1, 2, 5)
    assert (middle.page, middle.next_page, middle.last_page) == (3, 4, 5)
    assert (last.next_page, last.last_page, len(last.items)) == (None, 5, 4)
    assert ids(first.items) == [str(n) for n in range(1, 11)]
    assert len(everything) == CLIENTS


async def test_items_per_page_is_passed_on(api: FlowtlyClient) -> None:
    page = await api.get_page("/clients", items_per_page=4, page=2)
    assert len(page.items) == 4
    assert (page.next_page, page.last_page) == (3, 11)


async def test_concurrent_and_sequential_walks_are_identical(api: FlowtlyClient, wire: FaultyTransport) -> None:
    sequential = await api.fetch_all("/clients", concurrency=1)
    assert wire.max_in_flight == 1
    concurrent = await api.fetch_all("/clients", concurrency=4)
    assert concurrent == sequential
    assert wire.max_in_flight > 1
    assert wire.max_in_flight <= 4
    assert len(ids(sequential)) == len(set(ids(sequential))) == CLIENTS


async def test_iterate_yields_every_record_in_order(api: FlowtlyClient) -> None:
    streamed = [record async for record in api.iterate("/counterparties", concurrency=3)]
    walked = await api.fetch_all("/counterparties", concurrency=1)
    assert streamed == walked
    assert len(streamed) > 2 * PAGE_SIZE


async def test_iterate_can_stop_early(api: FlowtlyClient, wire: FaultyTransport) -> None:
    stream: AsyncIterator[dict[str, object]] = api.iterate("/clients", concurrency=1)
    taken = []
    async for record in stream:
        taken.append(record)
        if len(taken) == 12:
            break
    assert ids(taken) == [str(n) for n in range(1, 13)]
    assert wire.count("GET", "/clients") == 2


async def test_filters_apply_to_every_page(api: FlowtlyClient) -> None:
    active = await api.fetch_all("/clients", {"status": "active"}, concurrency=2)
    assert active
    assert {record["status"] for record in active} == {"active"}
    assert len(active) < CLIENTS


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_progress_is_reported_per_page(api: FlowtlyClient, asynchronous: bool) -> None:
    reports: list[tuple[int, int | None]] = []

    def note(done: int, total: int | None) -> None:
        reports.append((done, total))

    async def note_async(done: int, total: int | None) -> None:
        reports.append((done, total))

    await api.fetch_all("/clients", concurrency=2, on_progress=note_async if asynchronous else note)
    assert reports == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize("limit", [1, 3, 7, 10, 11, 25, 44, 100])
async def test_slices_walk_the_whole_collection_exactly_once(api: FlowtlyClient, limit: int) -> None:
    expected = ids(await api.fetch_all("/clients"))
    seen: list[str] = []
    cursor: str | None = None
    calls = 0
    while True:
        chunk = await api.list_slice("/clients", limit=limit, cursor=cursor)
        calls += 1
        assert chunk.total == CLIENTS
        seen.extend(ids(chunk.items))
        if chunk.next_cursor is None:
            break
        assert len(chunk.items) == limit  # only the last slice may be short
        cursor = chunk.next_cursor
    assert seen == expected
    assert calls == -(-CLIENTS // limit)  # no empty trailing slice behind a cursor


async def test_a_slice_keeps_its_filters(api: FlowtlyClient) -> None:
    params = {"status": "active", "order": {"name": "asc"}}
    expected = ids(await api.fetch_all("/clients", params))
    first = await api.list_slice("/clients", params, limit=4, cursor=None)
    assert first.next_cursor is not None
    second = await api.list_slice("/clients", params, limit=4, cursor=first.next_cursor)
    assert ids(first.items) + ids(second.items) == expected[:8]


async def test_a_cursor_is_refused_on_another_listing(api: FlowtlyClient) -> None:
    first = await api.list_slice("/clients", {"status": "active"}, limit=5, cursor=None)
    assert first.next_cursor is not None
    with pytest.raises(errors.InvalidCursor, match="another listing"):
        await api.list_slice("/clients", {"status": "inactive"}, limit=5, cursor=first.next_cursor)
    with pytest.raises(errors.InvalidCursor, match="another listing"):
        await api.list_slice("/counterparties", {"status": "active"}, limit=5, cursor=first.next_cursor)
    with pytest.raises(errors.InvalidCursor, match="damaged or was edited"):
        await api.list_slice("/clients", {"status": "active"}, limit=5, cursor=first.next_cursor[:-2] + "xx")


async def test_the_same_listing_spelled_as_iri_or_url_shares_cursors(api: FlowtlyClient) -> None:
    first = await api.list_slice("/api/clients", limit=5, cursor=None)
    second = await api.list_slice(f"{settings().base_url}/clients", limit=5, cursor=first.next_cursor)
    assert ids(second.items) == [str(n) for n in range(6, 11)]


async def test_an_empty_listing(api: FlowtlyClient) -> None:
    empty = await api.list_slice("/clients", {"name": "no such client anywhere"}, limit=5, cursor=None)
    assert (empty.items, empty.total, empty.next_cursor) == ([], 0, None)
    assert await api.fetch_all("/clients", {"name": "no such client anywhere"}) == []


async def test_invalid_slice_and_page_arguments_fail_before_any_request(
    api: FlowtlyClient, wire: FaultyTransport
) -> None:
    with pytest.raises(ValueError, match="limit"):
        await api.list_slice("/clients", limit=0, cursor=None)
    with pytest.raises(ValueError, match="page numbers start at 1"):
        await api.get_page("/clients", page=0)
    assert wire.seen == []


async def test_a_plain_json_listing_is_walked_until_a_short_page(sleeps: SleepRecorder) -> None:
    box = make_sandbox()
    try:
        async with FlowtlyClient(settings(), httpx2.ASGITransport(app=box.app), sleep=sleeps) as api:
            pages = []
            for number in range(1, 7):
                body = await api.request("GET", "/clients", params={"page": number}, accept="application/json")
                pages.append(body)
    finally:
        box.close()
    assert all(isinstance(body, list) for body in pages)
    assert [len(body) for body in pages] == [10, 10, 10, 10, 4, 0]


async def test_the_configured_page_size_is_asked_for(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(settings(page_size=25), wire, sleep=sleeps) as api:
        everything = await api.fetch_all("/clients")
        chunk = await api.list_slice("/clients", limit=30, cursor=None)
        chosen = await api.get_page("/clients", {"itemsPerPage": 7})
    assert len(everything) == CLIENTS
    assert [request.url.params["itemsPerPage"] for request in wire.seen[:2]] == ["25", "25"]
    assert wire.count("GET") == 2 + 2 + 1  # 44 records in pages of 25
    assert len(chunk.items) == 30
    assert len(chosen.items) == 7


@pytest.mark.parametrize("limit", [4, 11, 30])
async def test_slices_without_a_total_still_end_exactly(sandbox: Sandbox, sleeps: SleepRecorder, limit: int) -> None:
    # 44 clients in pages of 11: the fourth page is full, so partial pagination links to an empty fifth page.
    transport = PartialPagination(httpx2.ASGITransport(app=sandbox.app), page_size=11)
    async with FlowtlyClient(settings(page_size=11), transport, sleep=sleeps) as api:
        assert (await api.get_page("/clients", page=4)).next_page == 5
        everything = await api.fetch_all("/clients")
        seen: list[str] = []
        cursor: str | None = None
        while True:
            chunk = await api.list_slice("/clients", limit=limit, cursor=cursor)
            assert chunk.total is None
            seen.extend(ids(chunk.items))
            if chunk.next_cursor is None:
                break
            assert chunk.items, "a cursor was handed out for an empty slice"
            cursor = chunk.next_cursor
    assert len(everything) == CLIENTS
    assert seen == ids(everything)
