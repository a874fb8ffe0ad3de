"""Bank transactions: what is unassigned or has problems, payment suggestions, import, MT940, attachment zips."""

from __future__ import annotations

import io
import zipfile

import httpx2
import pytest

from tests.sandbox.fixture import SELLER_IBAN

pytestmark = pytest.mark.anyio


async def member_ids(response: httpx2.Response) -> list[object]:
    assert response.status_code == 200, response.text
    return [member["id"] for member in response.json()["hydra:member"]]


async def test_unassigned_lists_incoming_money_nothing_explains(api: httpx2.AsyncClient) -> None:
    assert await member_ids(await api.get("/api/transactions/unassigned")) == ["txn_3", "txn_5"]
    await api.post(
        "/api/invoice-transactions",
        json={"invoice": "/api/invoices/1", "transaction": "/api/transactions/txn_3", "date": "2026-03-15"},
    )
    assert await member_ids(await api.get("/api/transactions/unassigned")) == ["txn_5"]


async def test_with_problems(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/transactions/with-problems")).json()
    assert [(m["id"], m["problems"]) for m in body["hydra:member"]] == [("txn_4", ["missing_attachment"])]
    await api.post("/api/transaction-attachments/tat_1/suggestions/txn_4/apply")
    assert await member_ids(await api.get("/api/transactions/with-problems")) == []


async def test_suggestions_find_the_invoice_named_in_the_title(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/transactions/txn_3/suggestions")).json()
    assert body["@type"] == "hydra:Collection"
    suggestion = body["hydra:member"][0]
    assert suggestion["invoice"] == "/api/invoices/1"
    assert suggestion["score"] == 190
    assert suggestion["amount"] == 1230
    assert suggestion["id"] == "inv-1"
    assert [m["invoice"] for m in body["hydra:member"]] == ["/api/invoices/1"]


async def test_suggestions_by_exact_open_amount_of_the_counterpartys_client(api: httpx2.AsyncClient) -> None:
    await api.post(
        "/api/invoice-transactions", json={"invoice": "/api/invoices/3", "amount": 221.77 - 100, "date": "2026-03-15"}
    )
    body = (await api.get("/api/transactions/txn_2/suggestions")).json()
    assert body["hydra:totalItems"] == 0  # txn_2 is already applied in full
    created = await api.post(
        "/api/transactions",
        json={
            "amount": 100,
            "currency": "PLN",
            "execDate": "2026-03-16",
            "counterparty": "/api/counterparties/1",
            "description": "x",
        },
    )
    new_id = created.json()["id"]
    suggestions = (await api.get(f"/api/transactions/{new_id}/suggestions")).json()["hydra:member"]
    assert [(s["invoice"], s["score"]) for s in suggestions] == [("/api/invoices/3", 90)]


async def test_applying_a_suggestion_creates_the_payment(api: httpx2.AsyncClient) -> None:
    applied = await api.post("/api/transactions/txn_3/suggestions/inv-1/apply")
    assert applied.status_code == 201
    payment = applied.json()
    assert payment["@type"] == "InvoiceTransaction"
    assert payment["invoice"] == "/api/invoices/1"
    assert payment["transaction"] == "/api/transactions/txn_3"
    assert (await api.get("/api/invoices/1")).json()["status"] == "paid"
    again = await api.post("/api/transactions/txn_3/suggestions/inv-1/apply")
    assert again.status_code == 404
    assert (await api.post("/api/transactions/txn_5/suggestions/inv-404/apply")).status_code == 404


async def test_import_writes_all_rows_or_none(api: httpx2.AsyncClient) -> None:
    good = {"amount": 10.5, "currency": "PLN", "execDate": "2026-03-14", "description": "a", "operationNumber": "OP-1"}
    bad = {"amount": "ten", "currency": "XXX", "execDate": "2026-03-14"}
    refused = await api.post("/api/transactions/import", json={"transactions": [good, bad, {"amount": 1}]})
    assert refused.status_code == 422
    paths = [v["propertyPath"] for v in refused.json()["violations"]]
    assert paths == ["transactions[1].amount", "transactions[2].currency", "transactions[2].execDate"]
    assert (await api.get("/api/transactions")).json()["hydra:totalItems"] == 5
    accepted = await api.post(
        "/api/transactions/import", json={"transactions": [good, {**good, "operationNumber": "OP-2"}]}
    )
    assert accepted.status_code == 201
    body = accepted.json()
    assert (body["received"], body["imported"], body["skipped"]) == (2, 2, 0)
    assert body["ids"] == ["txn_6", "txn_7"]
    replay = (await api.post("/api/transactions/import", json={"transactions": [good]})).json()
    assert (replay["imported"], replay["skipped"]) == (0, 1)
    stored = (await api.get("/api/transactions/txn_6")).json()
    assert stored["bankAccount"] == SELLER_IBAN
    assert stored["execDate"] == "2026-03-14T00:00:00+00:00"


async def test_mt940_export(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/transactions/export/mt940", params={"statementNumber": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.split("\r\n")
    assert lines[0] == ":20:FLOWTLY20260316"
    assert lines[1] == f":25:/{SELLER_IBAN}"
    assert lines[2] == ":28C:1/1"
    assert lines[3] == ":60F:C260314PLN9900,00"  # txn_2's ending balance before its 100.00
    assert lines[4] == ":61:2603140314C100,00NTRFNONREF//TXN-2"
    assert lines[5] == ":86:zaliczka"
    assert lines[6] == ":61:2603150315C1230,00NTRFNONREF//TXN-3"
    assert lines[7] == ":86:Platnosc za FV/2026/01/0001"
    assert lines[8] == ":62F:C260315PLN11230,00"
    assert lines[9] == "-"


async def test_attachments_zip(api: httpx2.AsyncClient) -> None:
    await api.post("/api/transaction-attachments/tat_1/suggestions/txn_4/apply")
    response = await api.post(
        "/api/transactions/attachments/zip",
        json={"transactions": ["/api/transactions/txn_4", "/api/transactions/txn_1"]},
    )
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["txn_4/receipt-office.pdf"]
    assert archive.read("txn_4/receipt-office.pdf").startswith(b"%PDF-1.4")
