"""Counterparty merge (the path id survives) and branding enrichment."""

from __future__ import annotations

import httpx2
import pytest

from tests.sandbox.conftest import MERGE
from tests.sandbox.fixture import ACME_IBAN

pytestmark = pytest.mark.anyio


async def test_merge_repoints_unions_fills_and_deletes(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/counterparties/1/merge", json={"duplicates": ["/api/counterparties/2"]})
    assert response.status_code == 200
    survivor = response.json()
    assert survivor["@id"] == "/api/counterparties/1"
    assert survivor["bankAccounts"] == [ACME_IBAN, "PL10105000997603123456789123"]
    assert survivor["corporateWebsiteUrl"] == "https://acme.test"  # filled from the duplicate
    assert survivor["displayName"] == "ACME SP Z O O"  # the survivor's own value wins
    assert survivor["requireAttachment"] is True
    assert survivor["transactionsCount"] == 3
    assert (await api.get("/api/counterparties/2")).status_code == 404
    moved = (await api.get("/api/transactions/txn_4")).json()
    assert moved["counterparty"] == "/api/counterparties/1"
    contractor = (await api.get("/api/budget-contractors/bgc_1")).json()
    assert contractor["counterparty"] == "/api/counterparties/1"
    listed = (await api.get("/api/transactions", params={"counterparty": "/api/counterparties/2"})).json()
    assert listed["hydra:totalItems"] == 0


async def test_merge_into_itself_is_refused(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/counterparties/1/merge", json={"duplicates": ["/api/counterparties/1"]})
    assert response.status_code == 422
    assert response.json()["violations"][0]["propertyPath"] == "duplicates"


async def test_merge_needs_duplicates_that_exist(api: httpx2.AsyncClient) -> None:
    assert (await api.post("/api/counterparties/1/merge", json={})).status_code == 422
    missing = await api.post("/api/counterparties/1/merge", json={"duplicates": ["/api/counterparties/99"]})
    assert missing.status_code == 400
    assert missing.json()["detail"] == 'Item not found for "/api/counterparties/99".'
    assert (await api.post("/api/counterparties/99/merge", json={"duplicates": [2]})).status_code == 404


async def test_merge_refuses_different_tins(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/counterparties/1/merge", json={"duplicates": ["/api/counterparties/3"]})
    assert response.status_code == 422
    assert "different tin" in response.json()["violations"][0]["message"]
    assert (await api.get("/api/counterparties/3")).status_code == 200


async def test_enrichment_is_queued_and_deterministic(api: httpx2.AsyncClient) -> None:
    one = await api.post("/api/counterparties/3/enrich-branding-ai")
    assert one.status_code == 202
    assert one.json()["@type"] == "Job"
    enriched = (await api.get("/api/counterparties/3")).json()
    assert enriched["corporateWebsiteUrl"] == "https://www.beta.pl"
    assert enriched["logoUrl"] == "https://logo.sandbox.flowtly.eu/beta.pl.png"
    everyone = await api.post("/api/counterparties/enrich-branding-ai")
    assert everyone.status_code == 202
    assert everyone.json()["counterparties"] == 2
    second = (await api.get("/api/counterparties/2")).json()
    assert second["logoUrl"] == "https://logo.sandbox.flowtly.eu/acme.test.png"


async def test_deleting_a_counterparty_keeps_its_transactions(api: httpx2.AsyncClient) -> None:
    assert (await api.delete("/api/counterparties/2")).status_code == 204
    assert (await api.get("/api/transactions/txn_4")).json()["counterparty"] is None
    assert (await api.get("/api/budget-contractors/bgc_1")).status_code == 404


async def test_patch_validates_bank_accounts(api: httpx2.AsyncClient) -> None:
    response = await api.patch("/api/counterparties/3", json={"bankAccounts": ["PL00"]}, headers=MERGE)
    assert response.status_code == 422
