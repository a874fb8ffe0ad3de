"""Network faults between client and sandbox: what is retried, what is never re-sent, what gives up, and when."""

from __future__ import annotations

import httpx2
import pytest

from flowtly_mcp.api import FlowtlyClient, errors

from .conftest import SleepRecorder, settings
from .transports import Fault, FaultyTransport, on

pytestmark = pytest.mark.anyio


async def test_a_get_hit_by_a_connection_reset_is_retried_and_succeeds(
    api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    wire.add(Fault(on("GET", "/clients/3"), raises=httpx2.ReadError, reach_server=True))
    record = await api.get("/api/clients/3")
    assert record["id"] == 3
    assert wire.count("GET", "/clients/3") == 2
    assert len(sleeps.waits) == 1


async def test_a_get_read_timeout_is_retried(api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    wire.add(Fault(on("GET", "/clients"), raises=httpx2.ReadTimeout, times=2))
    page = await api.get_page("/clients")
    assert len(page.items) == 10
    assert wire.count("GET", "/clients") == 3
    first, second = sleeps.waits
    # Exponential backoff with equal jitter: the n-th wait lies in [base·2ⁿ/2, base·2ⁿ].
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0


async def test_a_post_answered_500_is_sent_exactly_once(api: FlowtlyClient, wire: FaultyTransport) -> None:
    wire.add(Fault(on("POST", "/client-notes"), status=500, body=b'{"detail":"Internal Server Error"}', times=5))
    with pytest.raises(errors.ServerError) as caught:
        await api.create("/client-notes", {"client": "/api/clients/3", "employee": "/api/employees/emp_1", "note": "x"})
    assert wire.count("POST", "/client-notes") == 1
    assert caught.value.status == 500
    assert caught.value.method == "POST"


async def test_a_post_whose_answer_is_lost_is_not_sent_again(
    api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    before = (await api.get_page("/budget-groups")).total
    wire.add(Fault(on("POST", "/budget-groups"), raises=httpx2.ReadError, reach_server=True))
    with pytest.raises(errors.ApiConnectionError, match="may have reached the server"):
        await api.create("/budget-groups", {"name": "Lost answer", "description": "created once"})
    assert wire.count("POST", "/budget-groups") == 1
    assert sleeps.waits == []
    after = await api.get_page("/budget-groups")
    assert after.total == (before or 0) + 1


async def test_a_patch_that_times_out_is_not_sent_again(api: FlowtlyClient, wire: FaultyTransport) -> None:
    wire.add(Fault(on("PATCH"), raises=httpx2.ReadTimeout, times=5))
    with pytest.raises(errors.ApiTimeout, match="no answer within 30 s; the request may have reached the server"):
        await api.patch("/api/clients/3", {"dueDays": 21})
    assert wire.count("PATCH") == 1


async def test_a_refused_connection_is_retried_even_for_a_post(
    api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    before = (await api.get_page("/budget-groups")).total or 0
    wire.add(Fault(on("POST", "/budget-groups"), raises=httpx2.ConnectError))
    created = await api.create("/budget-groups", {"name": "Second try", "description": "connect failed first"})
    assert created["name"] == "Second try"
    assert wire.count("POST", "/budget-groups") == 2
    assert len(wire.reached_server) - wire.count("GET") == 1
    assert len(sleeps.waits) == 1
    assert (await api.get_page("/budget-groups")).total == before + 1


async def test_retry_after_in_seconds_is_honoured(
    api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    wire.add(Fault(on("GET", "/clients"), status=429, headers={"Retry-After": "7"}, body=b'{"detail":"Slow down"}'))
    page = await api.get_page("/clients")
    assert page.total == 44
    assert sleeps.waits == [7.0]


async def test_retry_after_as_a_date_is_capped_by_max_retry_wait(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    wire.add(Fault(on("GET"), status=503, headers={"Retry-After": "Fri, 31 Dec 2099 23:59:59 GMT"}))
    async with FlowtlyClient(settings(max_retry_wait=4.5), wire, sleep=sleeps) as api:
        assert (await api.get("/clients/3"))["id"] == 3
    assert sleeps.waits == [4.5]


async def test_persistent_gateway_errors_give_up_after_max_retries(
    api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    wire.add(Fault(on("GET"), status=502, body=b"<html><title>502 Bad Gateway</title></html>", times=10))
    with pytest.raises(errors.ServerError, match=r"HTML page \(502 Bad Gateway\)"):
        await api.get("/clients/3")
    assert wire.count("GET") == 4
    assert len(sleeps.waits) == 3


async def test_the_total_retry_budget_bounds_the_waits(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    wire.add(Fault(on("GET"), status=429, headers={"Retry-After": "6"}, times=10))
    async with FlowtlyClient(settings(retry_total_budget=10), wire, sleep=sleeps) as api:
        with pytest.raises(errors.RateLimited) as caught:
            await api.get("/clients/3")
    assert sleeps.waits == [6.0]
    assert caught.value.retry_after == 6.0
    assert wire.count("GET") == 2


async def test_a_rate_limited_write_is_not_retried(
    api: FlowtlyClient, wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    wire.add(Fault(on("PATCH"), status=429, headers={"Retry-After": "3"}))
    with pytest.raises(errors.RateLimited) as caught:
        await api.patch("/api/clients/3", {"dueDays": 21})
    assert caught.value.retry_after == 3.0
    assert sleeps.waits == []
    assert wire.count("PATCH") == 1


async def test_a_refused_connection_that_never_recovers(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    wire.add(Fault(on("GET"), raises=httpx2.ConnectError, times=10))
    async with FlowtlyClient(settings(max_retries=2), wire, sleep=sleeps) as api:
        with pytest.raises(errors.ApiConnectionError, match="could not connect to http://flowtly.test"):
            await api.get("/clients/3")
    assert wire.count("GET") == 3


@pytest.mark.parametrize(
    ("body", "content_type", "cause"),
    [
        (b"<!doctype html><title>Flowtly - Sign in</title>", "text/html", r"HTML page \(Flowtly - Sign in\)"),
        (b'{"@id": "/api/clients/3", "name": "Trunc', "application/ld+json", "malformed or cut short"),
        (b"id;name\n3;Acme", "text/csv", "expected JSON but the server sent text/csv"),
    ],
)
async def test_unreadable_successful_answers(
    api: FlowtlyClient, wire: FaultyTransport, body: bytes, content_type: str, cause: str
) -> None:
    wire.add(Fault(on("GET"), status=200, body=body, headers={"Content-Type": content_type}))
    with pytest.raises(errors.UnreadableResponse, match=cause) as caught:
        await api.get("/clients/3")
    assert caught.value.path == "/clients/3"


async def test_a_failure_while_fetching_pages_concurrently_surfaces_as_itself(
    api: FlowtlyClient, wire: FaultyTransport
) -> None:
    wire.add(Fault(lambda r: r.url.params.get("page") == "3", status=500, times=10))
    with pytest.raises(errors.ServerError) as caught:
        await api.fetch_all("/clients", concurrency=4)
    assert "page=3" in caught.value.path


async def test_a_body_that_cannot_be_decoded(api: FlowtlyClient, wire: FaultyTransport) -> None:
    wire.add(Fault(on("GET"), status=200, body=b"\x00not gzip at all", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(errors.UnreadableResponse, match="could not be decoded"):
        await api.get("/clients/3")
