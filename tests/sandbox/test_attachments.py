"""Transaction attachments: uploads, search, matching suggestions, applying, detaching."""

from __future__ import annotations

import base64

import httpx2
import pytest

pytestmark = pytest.mark.anyio


async def test_multipart_upload_keeps_the_file(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/api/transaction-attachments/create",
        files={"file": ("faktura zakupowa.pdf", b"%PDF-1.4 tiny", "application/pdf")},
        data={"supplierName": "Acme Sp. z o.o.", "documentNumber": "FZ/1"},
    )
    assert response.status_code == 201, response.text
    attachment = response.json()
    assert attachment["fileName"] == "faktura zakupowa.pdf"
    assert attachment["mimeType"] == "application/pdf"
    assert attachment["size"] == 13
    assert attachment["status"] == "unmatched"
    await api.post(f"/api/transaction-attachments/{attachment['id']}/suggestions/txn_4/apply")


async def test_json_upload_with_base64_content(api: httpx2.AsyncClient) -> None:
    content = base64.b64encode(b"hello").decode()
    response = await api.post(
        "/api/transaction-attachments/create",
        json={"fileName": "note.txt", "content": content, "transaction": "/api/transactions/txn_2"},
    )
    assert response.status_code == 201
    assert response.json()["size"] == 5
    assert response.json()["status"] == "matched"
    bad = await api.post("/api/transaction-attachments/create", json={"fileName": "x", "content": "***"})
    assert bad.status_code == 422
    assert bad.json()["violations"][0]["propertyPath"] == "content"


async def test_search(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/transaction-attachments/search", params={"q": "PAR/77"})).json()
    assert [m["id"] for m in body["hydra:member"]] == ["tat_1"]
    none = (await api.get("/api/transaction-attachments/search", params={"q": "nothing"})).json()
    assert none["hydra:totalItems"] == 0


async def test_suggestions_and_debug(api: httpx2.AsyncClient) -> None:
    suggestions = (await api.get("/api/transaction-attachments/tat_1/suggestions")).json()["hydra:member"]
    assert [(s["transaction"], s["score"]) for s in suggestions] == [("/api/transactions/txn_4", 90)]
    debug = (await api.get("/api/transaction-attachments/tat_1/suggestions-debug")).json()
    assert debug["@type"] == "AttachmentSuggestionDebug"
    top = debug["candidates"][0]
    assert top["breakdown"] == {"amount": 60, "supplierTin": 0, "supplierName": 20, "date": 10}
    assert top["suggested"] is True


async def test_apply_best_then_detach(api: httpx2.AsyncClient) -> None:
    applied = await api.post("/api/transaction-attachments/tat_1/apply-suggestion")
    assert applied.status_code == 200
    assert applied.json()["transaction"] == "/api/transactions/txn_4"
    assert applied.json()["status"] == "matched"
    transaction = (await api.get("/api/transactions/txn_4")).json()
    assert transaction["transactionAttachments"] == ["/api/transaction-attachments/tat_1"]
    detached = await api.post("/api/transaction-attachments/tat_1/detach")
    assert detached.json()["transaction"] is None
    assert detached.json()["status"] == "unmatched"


async def test_apply_unknown_suggestion_is_404(api: httpx2.AsyncClient) -> None:
    assert (await api.post("/api/transaction-attachments/tat_1/suggestions/txn_1/apply")).status_code == 404


async def test_supplier_suggestion_fills_supplier_and_the_transaction_counterparty(api: httpx2.AsyncClient) -> None:
    created = await api.post(
        "/api/transaction-attachments",
        json={"fileName": "x.pdf", "supplierName": "BETA SA", "transaction": "/api/transactions/txn_5"},
    )
    attachment_id = created.json()["id"]
    applied = await api.post(f"/api/transaction-attachments/{attachment_id}/apply-supplier-suggestion")
    assert applied.status_code == 200
    assert applied.json()["supplierName"] == "Beta S.A."
    assert applied.json()["supplierTin"] == "5265877635"
    assert (await api.get("/api/transactions/txn_5")).json()["counterparty"] == "/api/counterparties/3"
    nobody = await api.post("/api/transaction-attachments", json={"fileName": "y.pdf", "supplierName": "Zeta"})
    refused = await api.post(f"/api/transaction-attachments/{nobody.json()['id']}/apply-supplier-suggestion")
    assert refused.status_code == 422
