"""Invoice tools: drafts, the next number, e-mail status, and sending to clients (one and many, guarded)."""

from __future__ import annotations

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import TODAY, Arrange, confirm, error_text, ok, writes

pytestmark = pytest.mark.anyio


@pytest.mark.api_matrix
async def test_list_draft_invoices_lists_exactly_the_drafts(client: Client, sandbox: Sandbox) -> None:
    drafts = {i["id"] for i in sandbox.store.all("invoices") if i.get("status") == "draft"}
    body = ok(await client.call_tool("list_draft_invoices", {"limit": 50}))
    assert {item["id"] for item in body["items"]} == drafts
    assert body["total"] == len(drafts)
    assert all(item["status"] == "draft" for item in body["items"])
    assert "next_cursor" not in body  # a complete list says so by leaving it out


async def test_next_invoice_number_follows_the_month_series(client: Client, sandbox: Sandbox) -> None:
    prefix = f"FV/{TODAY:%Y}/{TODAY:%m}/"
    used = [int(i["name"].rsplit("/", 1)[1]) for i in sandbox.store.all("invoices") if i["name"].startswith(prefix)]
    body = ok(await client.call_tool("next_invoice_number", {"date": TODAY.isoformat()}))
    assert body == {"date": TODAY.isoformat(), "number": f"{prefix}{max(used) + 1:04d}"}
    fresh = ok(await client.call_tool("next_invoice_number", {"date": "2031-02-10"}))
    assert fresh["number"] == "FV/2031/02/0001"


async def test_next_invoice_number_rejects_a_non_date_before_any_request(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    assert "date" in error_text(await client.call_tool("next_invoice_number", {"date": "next tuesday"}))
    assert len(sandbox.request_log) == before


async def test_send_status_shows_recipient_and_whether_sent(client: Client, arrange: Arrange) -> None:
    invoice = await arrange.invoice()
    body = ok(await client.call_tool("get_invoice_send_status", {"invoice": invoice["@id"]}))
    item = body["item"]
    assert item["sent"] is False and item["sendCount"] == 0
    assert "@" in item["recipient"]
    assert item["invoice"] == invoice["id"]


async def test_send_invoice_to_client_previews_then_sends_exactly_once(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    invoice = await arrange.invoice()
    status = await arrange.read(f"/invoices/{invoice['id']}/send")
    before = len(writes(sandbox))
    preview, done = await confirm(client, "send_invoice_to_client", {"invoice": invoice["id"]})
    details = preview["preview"]["details"]
    assert details["number"] == invoice["name"]
    assert details["gross"] == "369.00 PLN"
    assert details["recipient"] == status["recipient"]
    assert details["client"].endswith(f"(client {invoice['client'].rsplit('/', 1)[1]})")
    assert preview["preview"]["target"] == f"/api/invoices/{invoice['id']}"

    sends = [w for w in writes(sandbox)[before:] if w[1].endswith(f"/invoices/{invoice['id']}/send")]
    assert len(sends) == 1 and sends[0][0] == "POST"
    assert done["result"]["item"]["sent"] is True
    stored = sandbox.store.get("invoices", invoice["id"])
    assert stored is not None and stored["status"] == "sent" and stored["_sending"]["count"] == 1

    replay = await client.call_tool(
        "send_invoice_to_client", {"invoice": invoice["id"], "confirmation_token": preview["confirmation_token"]}
    )
    assert replay.is_error
    assert len([w for w in writes(sandbox)[before:] if w[1].endswith("/send")]) == 1


async def test_send_invoice_to_client_with_own_address_and_message(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    invoice = await arrange.invoice()
    args = {"invoice": str(invoice["id"]), "email": "ksiegowosc@example.pl", "message": "W załączeniu faktura."}
    preview, _ = await confirm(client, "send_invoice_to_client", args)
    assert preview["preview"]["details"]["recipient"] == "ksiegowosc@example.pl"
    stored = sandbox.store.get("invoices", invoice["id"])
    assert stored is not None
    assert stored["_sending"]["recipient"] == "ksiegowosc@example.pl"
    assert stored["_sending"]["message"] == "W załączeniu faktura."


async def test_sending_a_draft_is_refused_without_any_write(client: Client, sandbox: Sandbox, arrange: Arrange) -> None:
    draft = await arrange.invoice(status="draft")
    before = len(writes(sandbox))
    text = error_text(await client.call_tool("send_invoice_to_client", {"invoice": draft["id"]}))
    assert "draft" in text and draft["name"] in text
    assert len(writes(sandbox)) == before


async def test_invalid_send_arguments_are_rejected_before_any_request(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    bad_mail = await client.call_tool("send_invoice_to_client", {"invoice": 1, "email": "not-an-address"})
    assert "email" in error_text(bad_mail)
    wrong_family = await client.call_tool("send_invoice_to_client", {"invoice": "/api/clients/3"})
    assert "invoice" in error_text(wrong_family)
    empty = await client.call_tool("send_invoices_to_clients", {"invoices": []})
    assert "invoices" in error_text(empty)
    twice = await client.call_tool("send_invoices_to_clients", {"invoices": [5, "/api/invoices/5"]})
    assert "twice" in error_text(twice)
    assert len(sandbox.request_log) == before


async def test_send_invoices_to_clients_previews_each_and_sends_all_once(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    first, second = await arrange.invoice(), await arrange.invoice()
    before = len(writes(sandbox))
    preview, done = await confirm(client, "send_invoices_to_clients", {"invoices": [first["id"], second["@id"]]})
    listed = preview["preview"]["details"]["invoices"]
    assert [line["number"] for line in listed] == [first["name"], second["name"]]
    assert all(line["gross"] == "369.00 PLN" and "@" in line["recipient"] for line in listed)
    assert preview["preview"]["details"]["count"] == 2

    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [("POST", "/invoices/send")]
    result = done["result"]
    assert (result["total"], result["succeeded"], result["failed"]) == (2, 2, 0)
    assert {r["invoice"] for r in result["results"]} == {first["id"], second["id"]}
    for invoice in (first, second):
        stored = sandbox.store.get("invoices", invoice["id"])
        assert stored is not None and stored["status"] == "sent"


async def test_bulk_send_with_a_draft_is_refused_and_names_it(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    issued, draft = await arrange.invoice(), await arrange.invoice(status="draft")
    before = len(writes(sandbox))
    text = error_text(await client.call_tool("send_invoices_to_clients", {"invoices": [issued["id"], draft["id"]]}))
    assert draft["name"] in text and "draft" in text and "Nothing was sent" in text
    assert len(writes(sandbox)) == before
    stored = sandbox.store.get("invoices", issued["id"])
    assert stored is not None and stored["status"] == "issued"


async def test_bulk_preview_names_an_unknown_invoice(client: Client, sandbox: Sandbox, arrange: Arrange) -> None:
    known = await arrange.invoice()
    before = len(writes(sandbox))
    text = error_text(await client.call_tool("send_invoices_to_clients", {"invoices": [known["id"], 987654]}))
    assert "invoice 987654" in text
    assert len(writes(sandbox)) == before
