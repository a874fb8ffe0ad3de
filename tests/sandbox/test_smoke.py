"""First contact: items, collections, writes and errors answer in API Platform's shapes."""

from __future__ import annotations

import httpx2
import pytest

from flowtly_mcp.sandbox import Sandbox, SandboxConfig, create_app
from tests.sandbox.conftest import MERGE

pytestmark = pytest.mark.anyio


async def test_invoice_item_is_json_ld_with_totals(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/invoices/3")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
    body = response.json()
    assert body["@context"] == "/api/contexts/Invoice"
    assert body["@id"] == "/api/invoices/3"
    assert body["@type"] == "Invoice"
    assert body["amountNet"] == 299.00
    assert response.text.count('"amount":321.77') == 1


async def test_client_crud_round_trip(api: httpx2.AsyncClient) -> None:
    created = await api.post(
        "/clients",
        json={
            "name": "Delta",
            "country": "PL",
            "currency": "/api/currencies/PLN",
            "status": "active",
            "tinType": "NONE",
        },
    )
    assert created.status_code == 201
    iri = created.json()["@id"]
    assert created.headers["location"] == iri
    patched = await api.patch(iri, json={"name": "Delta 2"}, headers=MERGE)
    assert patched.status_code == 200
    assert patched.json()["name"] == "Delta 2"
    assert (await api.get(iri)).json()["name"] == "Delta 2"


async def test_reset_throws_changes_away(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    assert (await api.delete("/api/invoices/4")).status_code == 204
    assert sandbox.store.get("invoices", 4) is None
    sandbox.reset()
    assert sandbox.store.get("invoices", 4) is not None
    assert (await api.get("/api/invoices/4")).status_code == 200
    assert sandbox.today.isoformat() == "2026-03-16"


async def test_create_app_serves_a_fresh_sandbox() -> None:
    app = create_app(SandboxConfig(token="t", dataset={"clients": []}))
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://s") as client:
        response = await client.get("/clients", headers={"Authorization": "Bearer t"})
    assert response.json()["hydra:totalItems"] == 0


async def test_entrypoint_lists_the_collections(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api")).json()
    assert body["@type"] == "Entrypoint"
    assert body["invoice"] == "/api/invoices"
    assert body["counterparty"] == "/api/counterparties"
