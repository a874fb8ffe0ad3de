"""Hydra collections in both forms, with API Platform's `view` rules and pagination parameters."""

from __future__ import annotations

import httpx2
import pytest

from tests.sandbox.conftest import client_for, make_sandbox

pytestmark = pytest.mark.anyio


async def test_single_page_without_filters_has_no_view(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/invoices")).json()
    assert body["@type"] == "hydra:Collection"
    assert body["@id"] == "/api/invoices"
    assert body["@context"] == "/api/contexts/Invoice"
    assert body["hydra:totalItems"] == 5
    assert [m["id"] for m in body["hydra:member"]] == [1, 2, 3, 4, 5]
    assert "hydra:view" not in body
    assert "@context" not in body["hydra:member"][0]


async def test_single_page_with_filters_has_a_bare_view(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/invoices", params={"client": "/api/clients/1"})).json()
    assert body["hydra:totalItems"] == 2
    assert body["hydra:view"] == {
        "@id": "/api/invoices?client=%2Fapi%2Fclients%2F1",
        "@type": "hydra:PartialCollectionView",
    }


async def test_middle_page_links_first_last_previous_next_with_page_last(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/invoices?page=2&order[issueDate]=desc&itemsPerPage=2")).json()
    assert [m["id"] for m in body["hydra:member"]] == [3, 2]
    view = body["hydra:view"]
    base = "/api/invoices?order%5BissueDate%5D=desc&itemsPerPage=2&page="
    assert view["@id"] == base + "2"
    assert view["hydra:first"] == base + "1"
    assert view["hydra:last"] == base + "3"
    assert view["hydra:previous"] == base + "1"
    assert view["hydra:next"] == base + "3"


async def test_first_and_last_pages_omit_previous_and_next(api: httpx2.AsyncClient) -> None:
    first = (await api.get("/api/invoices?itemsPerPage=2")).json()["hydra:view"]
    assert "hydra:previous" not in first
    assert first["hydra:next"] == "/api/invoices?itemsPerPage=2&page=2"
    last = (await api.get("/api/invoices?itemsPerPage=2&page=3")).json()
    assert [m["id"] for m in last["hydra:member"]] == [5]
    assert "hydra:next" not in last["hydra:view"]
    assert last["hydra:view"]["hydra:previous"] == "/api/invoices?itemsPerPage=2&page=2"


async def test_links_keep_the_requested_path_without_api_prefix(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/invoices?itemsPerPage=4")).json()
    assert body["@id"] == "/api/invoices"
    assert body["hydra:view"]["hydra:next"] == "/invoices?itemsPerPage=4&page=2"


async def test_page_beyond_the_last_is_empty(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/invoices?page=9")).json()
    assert body["hydra:member"] == []
    assert body["hydra:totalItems"] == 5


@pytest.mark.parametrize("page", ["0", "-1", "abc"])
async def test_page_below_one_is_a_400(api: httpx2.AsyncClient, page: str) -> None:
    response = await api.get(f"/api/invoices?page={page}")
    assert response.status_code == 400
    assert response.json()["detail"] == "Page should not be less than 1"


async def test_items_per_page_is_capped(api: httpx2.AsyncClient) -> None:
    box = make_sandbox(page_size=2, max_page_size=3)
    async with client_for(box) as client:
        default = (await client.get("/api/invoices")).json()
        capped = (await client.get("/api/invoices?itemsPerPage=50")).json()
    assert len(default["hydra:member"]) == 2
    assert len(capped["hydra:member"]) == 3
    assert capped["hydra:view"]["hydra:last"].endswith("page=2")


async def test_unprefixed_collections() -> None:
    box = make_sandbox(hydra_prefix=False)
    async with client_for(box) as client:
        body = (await client.get("/api/invoices?itemsPerPage=2&page=2")).json()
    assert body["@type"] == "Collection"
    assert body["totalItems"] == 5
    assert len(body["member"]) == 2
    assert body["view"]["@type"] == "PartialCollectionView"
    assert set(body["view"]) == {"@id", "@type", "first", "last", "previous", "next"}
    assert body["search"]["@type"] == "IriTemplate"
    assert body["search"]["template"].startswith("/api/invoices{?")
    assert not any(key.startswith("hydra:") for key in body)


async def test_search_template_publishes_the_filters(api: httpx2.AsyncClient) -> None:
    search = (await api.get("/api/invoices")).json()["hydra:search"]
    variables = {m["variable"] for m in search["hydra:mapping"]}
    expected = {
        "name",
        "client",
        "client[]",
        "status",
        "status[]",
        "currency",
        "type",
        "issueDate[after]",
        "dueDate[strictly_before]",
        "saleDate[before]",
        "amount[between]",
        "amount[gte]",
        "order[issueDate]",
        "order[amount]",
        "order[name]",
        "order[id]",
        "order[dueDate]",
        "exists[eInvoicing]",
    }
    assert expected <= variables
    assert search["hydra:variableRepresentation"] == "BasicRepresentation"


async def test_plain_json_collection_is_a_bare_array(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/clients", headers={"Accept": "application/json"})
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert isinstance(body, list)
    assert [client["id"] for client in body] == [1, 2, 3]
    assert not any(key.startswith("@") for key in body[0])
