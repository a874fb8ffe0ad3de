"""Invoices as an accounting system keeps them: totals from rows, lifecycle, payments, numbering, sending."""

from __future__ import annotations

import httpx2
import pytest

from tests.sandbox.conftest import MERGE

pytestmark = pytest.mark.anyio


def row(name: str, quantity: object, price: str, rate: str, discount: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "productName": name,
        "unit": "szt.",
        "quantity": quantity,
        "vatRate": rate,
        "netPrice": price,
    }
    if discount is not None:
        body["netDiscountAmount"] = discount
    return body


async def test_totals_round_each_row_half_up(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/api/invoices",
        json={
            "client": "/api/clients/2",
            "issueDate": "2026-03-10",
            "invoiceRows": [
                row("A", 1, "0.05", "23"),  # VAT 0.0115 → 0.01
                row("B", 3, "0.35", "8"),  # net 1.05, VAT 0.084 → 0.08
                row("C", 2.5, "10.01", "23", discount="0.005"),  # net 25.025 - 0.005 = 25.02, VAT 5.7546 → 5.75
                row("D", 1, "100.00", "zw"),
                row("E", 1, "40.00", "0"),
            ],
        },
    )
    assert response.status_code == 201, response.text
    invoice = response.json()
    assert [r["vatAmount"] for r in invoice["invoiceRows"]] == ["0.01", "0.08", "5.75", "0.00", "0.00"]
    assert [r["netAmount"] for r in invoice["invoiceRows"]] == ["0.05", "1.05", "25.02", "100.00", "40.00"]
    assert '"amountNet":166.12' in response.text
    assert '"amount":171.96' in response.text
    assert invoice["status"] == "draft"
    assert invoice["currency"] == "PLN"
    assert invoice["tin"] == "5265877635"
    assert invoice["dueDate"] == "2026-03-24T00:00:00+00:00"  # the client's 14 days
    assert invoice["name"] == "FV/2026/03/0001"


async def test_rows_added_later_change_the_totals(api: httpx2.AsyncClient) -> None:
    added = await api.post("/api/invoice-rows", json={"invoice": "/api/invoices/4", **row("Extra", 1, "100.00", "23")})
    assert added.status_code == 201
    assert added.json()["grossAmount"] == "123.00"
    invoice = (await api.get("/api/invoices/4")).json()
    assert invoice["amount"] == 246.0
    assert len(invoice["invoiceRows"]) == 2


async def test_invalid_inline_rows_are_reported_by_position_and_nothing_is_written(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/api/invoices",
        json={
            "client": "/api/clients/1",
            "invoiceRows": [row("ok", 1, "1.00", "23"), {"productName": "bad", "vatRate": "99"}],
        },
    )
    assert response.status_code == 422
    paths = [v["propertyPath"] for v in response.json()["violations"]]
    assert paths == [
        "invoiceRows[1].unit",
        "invoiceRows[1].quantity",
        "invoiceRows[1].vatRate",
        "invoiceRows[1].netPrice",
    ]
    assert (await api.get("/api/invoices")).json()["hydra:totalItems"] == 5


async def test_numbering_counts_per_month(api: httpx2.AsyncClient) -> None:
    assert (await api.get("/api/invoices/name/2026-01-20")).json()["name"] == "FV/2026/01/0006"
    answer = (await api.get("/invoices/name/2026-11-02")).json()
    assert answer["name"] == "FV/2026/11/0001"
    assert answer["@type"] == "InvoiceName"
    created = (await api.post("/api/invoices", json={"client": "/api/clients/1", "issueDate": "2026-01-31"})).json()
    assert created["name"] == "FV/2026/01/0006"
    assert (await api.get("/api/invoices/name/2026-01-01")).json()["name"] == "FV/2026/01/0007"


async def test_lifecycle_draft_issued_sent(api: httpx2.AsyncClient) -> None:
    refused = await api.post("/api/invoices/4/send", json={})
    assert refused.status_code == 422
    assert refused.json()["violations"][0]["propertyPath"] == "status"
    issued = await api.patch("/api/invoices/4", json={"status": "issued"}, headers=MERGE)
    assert issued.json()["status"] == "issued"
    preview = (await api.get("/api/invoices/4/send")).json()
    assert preview["sent"] is False
    assert preview["recipient"] is None  # client 2 has no contacts
    no_address = await api.post("/api/invoices/4/send", json={})
    assert no_address.status_code == 422
    sent = await api.post("/api/invoices/4/send", json={"email": "ap@beta.test", "subject": "Invoice"})
    assert sent.status_code == 200
    assert sent.json()["sent"] is True
    assert sent.json()["recipient"] == "ap@beta.test"
    assert sent.json()["invoiceStatus"] == "sent"
    status = (await api.get("/api/invoices/4/send")).json()
    assert status["sentAt"] == sent.json()["sentAt"]
    assert status["sendCount"] == 1
    back = await api.patch("/api/invoices/4", json={"status": "draft"}, headers=MERGE)
    assert back.status_code == 422
    forced = await api.patch("/api/invoices/1", json={"status": "sent"}, headers=MERGE)
    assert forced.status_code == 422


async def test_sending_uses_the_billing_contact(api: httpx2.AsyncClient) -> None:
    preview = (await api.get("/api/invoices/1/send")).json()
    assert preview["recipient"] == "billing@acme.test"
    assert preview["subject"] == "Faktura FV/2026/01/0001"


async def test_bulk_send_reports_each_invoice(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/invoices/send", json={"invoices": ["/api/invoices/1", "/api/invoices/4", 3]})
    body = response.json()
    assert response.status_code == 200
    assert body["total"] == 3
    assert body["succeeded"] == 2
    outcome = {r["invoice"]: r["sent"] for r in body["results"]}
    assert outcome == {"/api/invoices/1": True, "/api/invoices/4": False, "/api/invoices/3": True}
    assert (await api.get("/api/invoices/3")).json()["status"] == "partially_paid"  # payment status wins
    bad = await api.post("/api/invoices/send", json={"invoices": ["/api/clients/1"]})
    assert bad.status_code == 400


async def test_drafts_list(api: httpx2.AsyncClient) -> None:
    body = (await api.get("/api/invoices/draft")).json()
    assert body["@id"] == "/api/invoices/draft"
    assert [m["id"] for m in body["hydra:member"]] == [4]


async def test_payments_move_status_and_deleting_one_restores_it(api: httpx2.AsyncClient) -> None:
    start = (await api.get("/api/invoices/3")).json()
    assert start["status"] == "partially_paid"
    assert start["openAmount"] == 221.77
    payment = await api.post(
        "/api/invoice-transactions",
        json={"invoice": "/api/invoices/3", "transaction": "/api/transactions/txn_5", "date": "2026-03-15"},
    )
    assert payment.status_code == 201
    assert payment.json()["amount"] == 221.77  # what was open, at most what the transaction brought
    paid = (await api.get("/api/invoices/3")).json()
    assert paid["status"] == "paid"
    assert paid["openAmount"] == 0
    assert len(paid["invoiceTransactions"]) == 2
    deleted = await api.delete(payment.json()["@id"])
    assert deleted.status_code == 204
    restored = (await api.get("/api/invoices/3")).json()
    assert restored["status"] == "partially_paid"
    assert restored["openAmount"] == 221.77


async def test_overpayment_is_visible(api: httpx2.AsyncClient) -> None:
    await api.post("/api/invoice-transactions", json={"invoice": "/api/invoices/2", "amount": 60, "date": "2026-03-15"})
    invoice = (await api.get("/api/invoices/2")).json()
    assert invoice["status"] == "paid"
    assert invoice["openAmount"] == -60
    assert invoice["overpaidAmount"] == 60
    assert invoice["paidAmount"] == 600


async def test_overdue_is_derived_from_the_sandbox_today(api: httpx2.AsyncClient) -> None:
    overdue = (await api.get("/api/invoices/1")).json()
    assert overdue["status"] == "overdue"
    await api.post(
        "/api/invoice-transactions", json={"invoice": "/api/invoices/1", "amount": 1230, "date": "2026-03-16"}
    )
    assert (await api.get("/api/invoices/1")).json()["status"] == "paid"


async def test_due_date_before_issue_date_is_refused(api: httpx2.AsyncClient) -> None:
    response = await api.patch("/api/invoices/4", json={"dueDate": "2026-01-01"}, headers=MERGE)
    assert response.status_code == 422
    assert response.json()["violations"][0]["propertyPath"] == "dueDate"


async def test_patching_rows_inline_replaces_them(api: httpx2.AsyncClient) -> None:
    response = await api.patch("/api/invoices/4", json={"invoiceRows": [row("New", 4, "25.00", "8")]}, headers=MERGE)
    assert response.status_code == 200
    assert [r["productName"] for r in response.json()["invoiceRows"]] == ["New"]
    assert response.json()["amount"] == 108


async def test_draft_invoices_delete_with_their_rows(api: httpx2.AsyncClient) -> None:
    assert (await api.delete("/api/invoices/4")).status_code == 204
    assert (await api.get("/api/invoices/4")).status_code == 404
    assert (await api.get("/api/invoice-rows/5")).status_code == 404


async def test_client_documents_and_search(api: httpx2.AsyncClient) -> None:
    documents = (await api.get("/api/clients/1/documents")).json()
    assert documents["@id"] == "/api/clients/1/documents"
    assert [m["id"] for m in documents["hydra:member"]] == [1, 3]
    found = (await api.get("/api/clients/search", params={"q": "billing@acme"})).json()
    assert [m["id"] for m in found["hydra:member"]] == [1]
    by_tin = (await api.get("/api/clients/search", params={"q": "526-587-76-35"})).json()
    assert [m["id"] for m in by_tin["hydra:member"]] == [2]
    assert (await api.get("/api/clients/1")).json()["clientContacts"] == ["/api/client-contacts/1"]
