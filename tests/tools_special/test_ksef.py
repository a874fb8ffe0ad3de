"""KSeF tools: sessions, sends (one and bulk) with preflight refusals, corrections, the inbound queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import TODAY, Arrange, confirm, error_text, ok, writes

pytestmark = pytest.mark.anyio


async def test_open_ksef_session_answers_a_reference_and_validity(client: Client, sandbox: Sandbox) -> None:
    before = sandbox.store.count("ksef-sessions")
    item = ok(await client.call_tool("open_ksef_session", {}))["item"]
    assert len(item["referenceNumber"]) == 36
    assert dt.datetime.fromisoformat(item["validUntil"]).date() >= TODAY
    assert sandbox.store.count("ksef-sessions") == before + 1


async def test_one_invoice_is_sent_by_send_invoice_to_ksef_once(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    # send_einvoice was merged into send_invoice_to_ksef: the same operation, the same send-check policy.
    invoice = await arrange.invoice()
    before = len(writes(sandbox))
    preview, done = await confirm(client, "send_invoice_to_ksef", {"invoice": invoice["id"]})
    details = preview["preview"]["details"]
    assert details["number"] == invoice["name"] and details["gross"] == "369.00 PLN"
    assert any("correction" in w for w in preview["preview"]["warnings"])
    sends = [(w[0], w[1]) for w in writes(sandbox)[before:] if w[1].endswith("/send")]
    assert sends == [("POST", f"/e-invoicing/invoices/{invoice['id']}/send")]
    state = arrange.outbound_state(invoice["id"])
    assert state is not None and done["result"]["status"] in ("accepted", "processing", "success")

    replay = await client.call_tool(
        "send_invoice_to_ksef", {"invoice": invoice["id"], "confirmation_token": preview["confirmation_token"]}
    )
    assert replay.is_error
    assert [(w[0], w[1]) for w in writes(sandbox)[before:] if w[1].endswith("/send")] == sends


async def test_sending_refuses_drafts_and_registered_invoices_before_sending(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    draft = arrange.draft_invoice()
    registered = arrange.ksef_registered_invoice()
    number = arrange.outbound_state(registered["id"])["einvoicingNumber"]  # type: ignore[index]
    before = len(writes(sandbox))
    refused_draft = error_text(await client.call_tool("send_invoice_to_ksef", {"invoice": draft["id"]}))
    assert "draft" in refused_draft and "Nothing was sent" in refused_draft
    refused_sent = error_text(await client.call_tool("send_invoice_to_ksef", {"invoice": registered["id"]}))
    assert number in refused_sent
    assert writes(sandbox)[before:] == []


async def test_bulk_ksef_send_lists_each_invoice_and_sends_them_together(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    first, second = await arrange.invoice(), await arrange.invoice()
    before = len(writes(sandbox))
    preview, done = await confirm(client, "send_invoices_to_ksef_bulk", {"invoices": [first["id"], second["id"]]})
    lines = preview["preview"]["details"]["invoices"]
    assert [line["number"] for line in lines] == [first["name"], second["name"]]
    assert all(line["preflight"] == "ok" for line in lines)
    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [("POST", "/e-invoices/send")]
    result = done["result"]
    assert (result["total"], result["succeeded"], result["failed"]) == (2, 2, 0)
    for invoice in (first, second):
        state = arrange.outbound_state(invoice["id"])
        assert state is not None and state["status"] in ("accepted", "processing", "success")


async def test_bulk_ksef_send_with_draft_or_registered_invoice_sends_nothing(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    fresh = await arrange.invoice()
    draft = arrange.draft_invoice()
    registered = arrange.ksef_registered_invoice()
    before = len(writes(sandbox))
    args = {"invoices": [fresh["id"], draft["id"], registered["id"]]}
    text = error_text(await client.call_tool("send_invoices_to_ksef_bulk", args))
    assert draft["name"] in text and registered["name"] in text and fresh["name"] not in text
    assert writes(sandbox)[before:] == []
    assert arrange.outbound_state(fresh["id"]) is None


async def test_correction_without_ksef_number_is_refused_before_any_write(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    invoice = await arrange.invoice()
    before = len(writes(sandbox))
    args = {"invoice": invoice["id"], "correctionReason": "Błędna cena"}
    text = error_text(await client.call_tool("send_einvoice_correction", args))
    assert "no KSeF number" in text and "No correction was sent" in text
    assert writes(sandbox)[before:] == []


async def test_correction_to_zero_creates_and_sends_a_kor_invoice(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    original = arrange.ksef_registered_invoice()
    number = arrange.outbound_state(original["id"])["einvoicingNumber"]  # type: ignore[index]
    count = sandbox.store.count("invoices")
    before = len(writes(sandbox))
    args = {"invoice": original["id"], "correctionReason": "Anulowanie sprzedaży"}
    preview, done = await confirm(client, "send_einvoice_correction", args)
    details = preview["preview"]["details"]
    assert details["ksef"].endswith(number) and details["reason"] == "Anulowanie sprzedaży"
    assert any("corrected to zero" in warning for warning in preview["preview"]["warnings"])
    assert details["resulting_gross"].startswith("0.00") and details["correction_rows"]
    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [
        ("POST", f"/e-invoicing/invoices/{original['id']}/correction")
    ]
    kor = done["result"]["item"]
    assert kor["name"].startswith("KOR/")
    assert sandbox.store.count("invoices") == count + 1
    stored = sandbox.store.get("invoices", kor["id"])
    assert stored is not None
    assert stored["type"] == "KOR" and stored["parent"] == f"/api/invoices/{original['id']}"
    assert stored["correctionReason"] == "Anulowanie sprzedaży"
    assert arrange.outbound_state(kor["id"]) is not None


async def test_correction_with_rows_sends_exactly_those_rows(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    original = arrange.ksef_registered_invoice()
    row = {"productName": "Rabat posprzedażowy", "quantity": "-1", "unit": "szt.", "netPrice": "40.50", "vatRate": "23"}
    args = {"invoice": original["id"], "correctionReason": "Rabat", "rows": [row]}
    preview, done = await confirm(client, "send_einvoice_correction", args)
    shown = preview["preview"]["details"]
    assert len(shown["correction_rows"]) == 1 and "gross -49.82 PLN" in shown["correction_rows"][0]
    assert shown["gross_change"] == "-49.82 PLN"
    kor_iri = f"/api/invoices/{done['result']['item']['id']}"
    rows = [r for r in sandbox.store.all("invoice-rows") if r["invoice"] == kor_iri]
    assert len(rows) == 1
    assert rows[0]["productName"] == "Rabat posprzedażowy"
    assert Decimal(str(rows[0]["quantity"])) == Decimal(-1) and Decimal(str(rows[0]["netPrice"])) == Decimal("40.50")


async def test_correction_arguments_are_checked_before_any_request(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    short = await client.call_tool("send_einvoice_correction", {"invoice": 1, "correctionReason": "x"})
    assert "correctionReason" in error_text(short)
    zero_row = {"productName": "A", "quantity": "0", "unit": "szt.", "netPrice": "1", "vatRate": "23"}
    zero = await client.call_tool(
        "send_einvoice_correction", {"invoice": 1, "correctionReason": "abc", "rows": [zero_row]}
    )
    assert "quantity" in error_text(zero)
    float_rate = {**zero_row, "quantity": "1", "vatRate": "22"}
    bad_rate = await client.call_tool(
        "send_einvoice_correction", {"invoice": 1, "correctionReason": "abc", "rows": [float_rate]}
    )
    assert "vatRate" in error_text(bad_rate)
    assert len(sandbox.request_log) == before


async def test_queue_inbound_einvoices_answers_the_queued_job(client: Client, sandbox: Sandbox) -> None:
    body = ok(await client.call_tool("queue_inbound_einvoices", {}))
    assert body["ok"] is True and body["result"]["status"] == "queued"
    assert ("POST", "/e-invoicing/invoices/inbound/queue") in [(e[0], e[1]) for e in sandbox.request_log]
