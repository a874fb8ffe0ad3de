"""Single records against the sandbox: references in every form, writes with exact money, merge patch, files."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import httpx2
import pytest

from flowtly_mcp.api import FlowtlyClient, errors, refs

from .conftest import BASE_URL, SleepRecorder, settings
from .transports import FaultyTransport

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("ref", [3, "3", "/api/clients/3", "/clients/3", f"{BASE_URL}/api/clients/3"])
async def test_a_record_by_id_iri_or_url(api: FlowtlyClient, ref: str | int) -> None:
    record = await api.get(refs.item_path("clients", ref))
    assert record["@id"] == "/api/clients/3"
    assert await api.get(refs.iri("clients", ref)) == record


async def test_an_api_prefix_reaches_the_same_records(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(settings(path_prefix="/api"), wire, sleep=sleeps) as api:
        record = await api.get("/clients/3")
        again = await api.get(api.item_path("clients", "/api/clients/3"))
    assert record == again
    assert [request.url.path for request in wire.seen] == ["/api/clients/3", "/api/clients/3"]


async def test_money_comes_back_as_decimal(api: FlowtlyClient) -> None:
    invoice = (await api.get_page("/invoices")).items[0]
    assert isinstance(invoice["amount"], Decimal | int)
    assert not any(isinstance(value, float) for value in invoice.values())


async def test_creating_with_exact_money_in_each_wire_type(api: FlowtlyClient, wire: FaultyTransport) -> None:
    draft = (await api.get_page("/invoices/draft")).items[0]
    row = await api.create(
        "/invoice-rows",
        {
            "invoice": draft["@id"],
            "productName": "Audyt bezpieczeństwa",
            "unit": "szt.",
            "quantity": Decimal("1.5"),
            "vatRate": 23,
            "netPrice": Decimal("1000.10"),
            "netDiscountAmount": Decimal("0.00"),
        },
    )
    sent = wire.reached_server[-1]
    assert sent.headers["content-type"] == "application/ld+json"
    assert b'"quantity":1.5' in sent.content
    assert b'"netPrice":"1000.10"' in sent.content
    assert b'"vatRate":"23"' in sent.content
    assert (row["netPrice"], row["netDiscountAmount"], row["vatRate"]) == ("1000.10", "0.00", "23")
    assert row["quantity"] == Decimal("1.5")
    assert "grossAmount" not in row, "row amounts are not published: the client computes them from these fields"

    spend = (await api.get_page("/budget-transactions")).items[0]
    created = await api.create(
        "/budget-transactions",
        {"budget": spend["budget"], "transaction": spend["transaction"], "amount": Decimal("125000.00")},
    )
    assert b'"amount":125000' in wire.reached_server[-1].content
    assert created["amount"] == 125000


async def test_a_fraction_of_a_minor_unit_never_leaves(api: FlowtlyClient, wire: FaultyTransport) -> None:
    with pytest.raises(ValueError, match="amount must be an integer amount in minor units"):
        await api.create("/budget-transactions", {"budget": "/api/budgets/bgt_1", "amount": Decimal("12.5")})
    assert wire.seen == []


async def test_patch_is_a_merge_patch(api: FlowtlyClient, wire: FaultyTransport) -> None:
    before = await api.get("/api/clients/3")
    updated = await api.patch("/api/clients/3", {"dueDays": 45, "invoiceComment": None})
    sent = wire.reached_server[-1]
    assert sent.method == "PATCH"
    assert sent.headers["content-type"] == "application/merge-patch+json"
    assert sent.headers["accept"] == "application/ld+json"
    assert sent.content == b'{"dueDays":45,"invoiceComment":null}'
    assert updated["dueDays"] == 45
    assert updated["invoiceComment"] is None
    assert updated["name"] == before["name"]  # fields not sent are left alone
    assert (await api.get("/clients/3"))["dueDays"] == 45


async def test_delete_removes_the_record(api: FlowtlyClient, wire: FaultyTransport) -> None:
    group = await api.create("/budget-groups", {"name": "Temporary", "description": "to delete"})
    await api.delete(group["@id"])
    with pytest.raises(errors.NotFound):
        await api.get(group["@id"])
    assert wire.count("DELETE", "/budget-groups/") == 1


async def test_actions_answer_json(api: FlowtlyClient) -> None:
    job = await api.post_action("/counterparties/3/enrich-branding-ai")
    assert job["subject"] == "/api/counterparties/3"


async def test_downloads_carry_type_name_size_and_digest(api: FlowtlyClient) -> None:
    statement = await api.download("GET", "/transactions/export/mt940")
    assert statement.content_type.startswith("text/plain")
    assert statement.filename == "transactions.mt940"
    assert statement.size == len(statement.content) > 0
    assert statement.sha256 == hashlib.sha256(statement.content).hexdigest()
    sent = (await api.get_page("/invoices", {"status": "sent"})).items[0]
    pdf = await api.download("GET", f"/e-invoicing/invoices/{sent['id']}/download/pdf")
    assert pdf.content_type == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.filename is not None and pdf.filename.endswith(".pdf")
    assert "%PDF" not in repr(pdf)  # the bytes stay out of logs and reprs


async def test_a_file_is_not_mistaken_for_json(api: FlowtlyClient) -> None:
    with pytest.raises(errors.UnreadableResponse, match="use download"):
        await api.request("GET", "/transactions/export/mt940")


async def test_every_request_identifies_itself(api: FlowtlyClient, wire: FaultyTransport) -> None:
    await api.get("/clients/3")
    headers = wire.seen[-1].headers
    assert headers["user-agent"].startswith("flowtly-mcp/")
    assert headers["accept"] == "application/ld+json"
    assert headers["authorization"].startswith("Bearer ")


async def test_empty_ids_are_refused_before_any_request(api: FlowtlyClient, wire: FaultyTransport) -> None:
    with pytest.raises(ValueError):
        await api.get(refs.item_path("clients", ""))
    with pytest.raises(ValueError):
        await api.delete("/clients/")
    with pytest.raises(ValueError):
        await api.patch("/clients//documents", {})
    assert wire.seen == []


async def test_no_credentials_means_no_authorization_header_and_a_clear_401(sleeps: SleepRecorder) -> None:
    from .conftest import make_sandbox

    box = make_sandbox()
    try:
        transport = FaultyTransport(httpx2.ASGITransport(app=box.app))
        async with FlowtlyClient(settings(token=None), transport, sleep=sleeps) as api:
            with pytest.raises(errors.AuthenticationError, match="JWT Token not found. Set FLOWTLY_API_TOKEN"):
                await api.get("/clients/3")
        assert "authorization" not in transport.seen[-1].headers
    finally:
        box.close()
