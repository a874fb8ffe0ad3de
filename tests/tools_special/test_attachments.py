"""Attachment tools: uploads (file or base64), search, suggestions (plain and debug), applying them, detaching."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import confirm, confirmed, error_text, ok, writes

pytestmark = pytest.mark.anyio
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _unmatched_with_suggestions(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [a for a in sandbox.store.all("transaction-attachments") if not a.get("transaction") and a.get("amount")]


async def test_upload_from_a_file_attaches_it(client: Client, sandbox: Sandbox, upload_dir: Path) -> None:
    document = upload_dir / "paragon 17.pdf"
    document.write_bytes(PDF)
    transaction = sandbox.store.all("transactions")[0]
    args = {
        "file_path": str(document),
        "transaction": transaction["id"],
        "documentNumber": "PAR/17",
        "supplierName": "Sklep Papierniczy",
        "amount": "12.30",
        "currency": "PLN",
        "issueDate": "2026-11-14",
    }
    item = (await confirmed(client, "upload_transaction_attachment", args))["item"]
    stored = sandbox.store.get("transaction-attachments", item["id"])
    assert stored is not None
    assert stored["fileName"] == "paragon 17.pdf" and stored["mimeType"] == "application/pdf"
    assert base64.b64decode(stored["_content"]) == PDF and stored["size"] == len(PDF)
    assert stored["transaction"] == f"/api/transactions/{transaction['id']}"
    assert stored["documentNumber"] == "PAR/17" and str(stored["amount"]) == "12.30"


async def test_upload_from_base64_detects_the_type(client: Client, sandbox: Sandbox) -> None:
    args = {"content_base64": base64.b64encode(PNG).decode(), "fileName": "skan.png"}
    item = (await confirmed(client, "upload_transaction_attachment", args))["item"]
    stored = sandbox.store.get("transaction-attachments", item["id"])
    assert stored is not None and stored["mimeType"] == "image/png" and stored["transaction"] is None


async def test_uploads_that_cannot_be_documents_are_refused_before_any_request(
    client: Client, sandbox: Sandbox, upload_dir: Path
) -> None:
    tmp_path = upload_dir
    secret = tmp_path / "id_rsa.pdf"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    before = len(sandbox.request_log)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"file_path": str(secret)}, "not a PDF"),
        ({"file_path": str(tmp_path / "missing.pdf")}, "not a readable file"),
        ({"file_path": str(tmp_path)}, "not a readable file"),
        ({}, "exactly one of file_path and content_base64"),
        ({"file_path": str(secret), "content_base64": "JVBERi0=", "fileName": "a.pdf"}, "exactly one"),
        ({"content_base64": "JVBERi0xLjQK"}, "fileName"),
        ({"content_base64": "%%% not base64", "fileName": "a.pdf"}, "base64"),
        ({"content_base64": base64.b64encode(PDF).decode(), "fileName": "a.pdf", "supplierTin": "1234567890"}, "NIP"),
    ]
    for arguments, expected in cases:
        text = error_text(await client.call_tool("upload_transaction_attachment", arguments))
        assert expected in text, (arguments, text)
    assert len(sandbox.request_log) == before


async def test_search_finds_documents_by_supplier(client: Client, sandbox: Sandbox) -> None:
    supplier = next(a["supplierName"] for a in sandbox.store.all("transaction-attachments") if a.get("supplierName"))
    word = supplier.split()[0]
    body = ok(await client.call_tool("search_transaction_attachments", {"query": word, "limit": 100}))
    expected = {
        a["id"]
        for a in sandbox.store.all("transaction-attachments")
        if any(
            word.casefold() in str(a.get(f) or "").casefold() for f in ("fileName", "supplierName", "documentNumber")
        )
    }
    assert body["total"] == len(expected) > 0
    assert {item["id"] for item in body["items"]} <= expected


async def test_suggestions_plain_and_debug_agree(client: Client, sandbox: Sandbox) -> None:
    for attachment in _unmatched_with_suggestions(sandbox):
        plain = ok(await client.call_tool("get_attachment_suggestions", {"attachment": attachment["id"]}))
        if plain["items"]:
            break
    else:
        raise AssertionError("no unmatched seeded document has a suggestion")
    debug = ok(await client.call_tool("get_attachment_suggestions", {"attachment": attachment["id"], "debug": True}))
    threshold = debug["scoring"]["threshold"]
    assert plain["scoring"] is None
    suggested = [c for c in debug["items"] if c["suggested"]]
    assert [c["transaction"] for c in suggested] == [s["transaction"] for s in plain["items"]]
    assert all(s["score"] >= threshold for s in plain["items"])
    assert all(sum(c["breakdown"].values()) == c["score"] for c in debug["items"])


async def _attachment_with_two_suggestions(client: Client, sandbox: Sandbox) -> tuple[str, list[dict[str, Any]]]:
    for attachment in _unmatched_with_suggestions(sandbox):
        listed = ok(await client.call_tool("get_attachment_suggestions", {"attachment": attachment["id"]}))
        if len(listed["items"]) >= 2:
            return attachment["id"], listed["items"]
    raise AssertionError("no unmatched seeded document has two suggestions")


async def test_apply_best_and_chosen_suggestion(client: Client, sandbox: Sandbox) -> None:
    attachment_id, suggestions = await _attachment_with_two_suggestions(client, sandbox)
    chosen = suggestions[1]
    item = ok(
        await client.call_tool("apply_attachment_suggestion", {"attachment": attachment_id, "suggestion": chosen["id"]})
    )["item"]
    assert item["transaction"] == chosen["transaction"]
    stored = sandbox.store.get("transaction-attachments", attachment_id)
    assert stored is not None and stored["transaction"] == f"/api/transactions/{chosen['transaction']}"

    other_id, others = await _attachment_with_two_suggestions(client, sandbox)
    best = ok(await client.call_tool("apply_attachment_suggestion", {"attachment": other_id}))["item"]
    assert best["transaction"] == others[0]["transaction"] and best["status"] == "matched"


async def test_apply_supplier_suggestion_takes_the_counterpartys_name(client: Client, sandbox: Sandbox) -> None:
    counterparty = next(c for c in sandbox.store.all("counterparties") if c.get("tin") and c.get("displayName"))
    uploaded = (
        await confirmed(
            client,
            "upload_transaction_attachment",
            {
                "content_base64": base64.b64encode(PDF).decode(),
                "fileName": "fv.pdf",
                "supplierName": "literówka w nazwie",
                "supplierTin": counterparty["tin"],
            },
        )
    )["item"]
    # The document names a supplier already: replacing it is an overwrite, and asks first.
    item = (await confirmed(client, "apply_attachment_supplier_suggestion", {"attachment": uploaded["id"]}))["item"]
    assert item["supplierName"] == counterparty["displayName"]
    stored = sandbox.store.get("transaction-attachments", uploaded["id"])
    assert stored is not None and stored["supplierName"] == counterparty["displayName"]


async def test_detach_previews_then_detaches_once(client: Client, sandbox: Sandbox) -> None:
    attachment = next(a for a in sandbox.store.all("transaction-attachments") if a.get("transaction"))
    transaction_id = str(attachment["transaction"]).rsplit("/", 1)[1]
    before = len(writes(sandbox))
    preview, done = await confirm(client, "detach_attachment", {"attachment": attachment["id"]})
    details = preview["preview"]["details"]
    assert details["document"]["fileName"] == attachment["fileName"]
    assert details["transaction"]["id"] == transaction_id
    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [
        ("POST", f"/transaction-attachments/{attachment['id']}/detach")
    ]
    assert "transaction" not in done["result"]["item"]
    stored = sandbox.store.get("transaction-attachments", attachment["id"])
    assert stored is not None and stored["transaction"] is None

    replay = await client.call_tool(
        "detach_attachment", {"attachment": attachment["id"], "confirmation_token": preview["confirmation_token"]}
    )
    assert replay.is_error
    assert len(writes(sandbox)) == before + 1


async def test_detaching_an_unattached_document_is_refused(client: Client, sandbox: Sandbox) -> None:
    loose = next(a for a in sandbox.store.all("transaction-attachments") if not a.get("transaction"))
    before = len(writes(sandbox))
    assert "not attached" in error_text(await client.call_tool("detach_attachment", {"attachment": loose["id"]}))
    assert len(writes(sandbox)) == before
