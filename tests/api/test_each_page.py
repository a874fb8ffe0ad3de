"""`each_page`: every page handed over as it arrives, requests kept in flight meanwhile, failures raised as such."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from flowtly_mcp.api import FlowtlyClient, errors
from flowtly_mcp.api.models import Page

from .transports import Fault, FaultyTransport, on

pytestmark = pytest.mark.anyio


async def test_every_record_once_whatever_the_order(api: FlowtlyClient, wire: FaultyTransport) -> None:
    walked = await api.fetch_all("/clients", concurrency=1)
    seen: list[Page] = []

    async def handle(page: Page) -> None:
        seen.append(page)
        await anyio.sleep(0.01)  # slow handling: the other requests go on meanwhile

    pages = await api.each_page("/clients", handle, concurrency=4)
    assert pages == len(seen) == seen[0].last_page
    assert seen[0].page == 1
    assert sorted(page.page for page in seen) == list(range(1, pages + 1))
    streamed = [record for page in sorted(seen, key=lambda page: page.page) for record in page.items]
    assert streamed == walked
    assert 1 < wire.max_in_flight <= 4


async def test_a_failing_page_is_raised_as_itself(api: FlowtlyClient, wire: FaultyTransport) -> None:
    def third_page(request: httpx2.Request) -> bool:
        return on("GET", "/clients")(request) and request.url.params.get("page") == "3"

    wire.add(Fault(third_page, status=404, body=b'{"detail": "gone"}', times=99))
    seen: list[int] = []

    async def handle(page: Page) -> None:
        seen.append(page.page)

    with pytest.raises(errors.FlowtlyError):  # itself, not wrapped in an exception group
        await api.each_page("/clients", handle, concurrency=4)
    assert 1 in seen and 3 not in seen
