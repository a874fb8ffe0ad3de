"""Transaction tools: lines needing attention, payment suggestions and applying them, import, MT940 and ZIP exports."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import TODAY, Arrange, confirm, error_text, ok, writes

pytestmark = pytest.mark.anyio
OUR_IBAN = "PL61109010140000071219812874"
SENDER_IBAN = "GR1601101050000010547023795"


def _members(body: dict[str, Any]) -> list[dict[str, Any]]:
    members = body.get("hydra:member", body.get("member"))
    assert isinstance(members, list)
    return members


@pytest.mark.parametrize(("kind", "path"), [("unassigned", "unassigned"), ("with_problems", "with-problems")])
async def test_attention_lists_match_the_api(client: Client, arrange: Arrange, kind: str, path: str) -> None:
    raw = await arrange.read(f"/transactions/{path}?itemsPerPage=100")
    body = ok(await client.call_tool("list_transactions_needing_attention", {"kind": kind, "limit": 100}))
    assert body["total"] == raw["hydra:totalItems"] > 0
    assert [item["id"] for item in body["items"]] == [m["id"] for m in _members(raw)][: len(body["items"])]
    if kind == "with_problems":
        assert body["items"], "the listing shows what the API lists (a problem list is not published on records)"
    else:
        assert all(float(item["amount"]) > 0 for item in body["items"])


async def _payment_for(arrange: Arrange, invoice: dict[str, Any]) -> dict[str, Any]:
    """An incoming transfer paying `invoice` in full, its number in the title."""
    body = {
        "bankAccount": OUR_IBAN,
        "amount": 369,
        "currency": "PLN",
        "description": f"Zapłata za fakturę {invoice['name']}",
        "execDate": TODAY.isoformat(),
    }
    created: dict[str, Any] = await arrange.send("POST", "/transactions", body)
    return created


async def test_suggestions_then_apply_records_the_payment(client: Client, sandbox: Sandbox, arrange: Arrange) -> None:
    invoice = await arrange.invoice()
    transaction = await _payment_for(arrange, invoice)
    listed = ok(await client.call_tool("get_transaction_suggestions", {"transaction": transaction["@id"]}))
    best = listed["items"][0]
    assert best["invoice"] == invoice["id"] and best["invoiceName"] == invoice["name"]
    assert best["score"] >= 100 and "invoice number in the transfer title" in best["reasons"]
    assert listed["total"] >= 1

    before = len(writes(sandbox))
    # Applying a suggestion records a payment: it previews like reconcile_payment, then runs once approved.
    preview, done = await confirm(
        client, "apply_transaction_suggestion", {"transaction": transaction["id"], "suggestion": best["id"]}
    )
    assert preview["preview"]["details"]["invoice"] == f"{invoice['id']} ({invoice['name']})"
    assert any("marked paid" in warning for warning in preview["preview"]["warnings"])
    applied = done["result"]
    assert applied["item"]["invoice"] == invoice["id"] and applied["item"]["transaction"] == transaction["id"]
    assert len(writes(sandbox)) == before + 1
    payments = [p for p in sandbox.store.all("invoice-transactions") if p["invoice"] == invoice["@id"]]
    assert len(payments) == 1 and str(payments[0]["amount"]) in ("369", "369.00")
    assert (await arrange.read(f"/invoices/{invoice['id']}"))["status"] == "paid"


async def test_unknown_suggestion_is_an_error(client: Client, arrange: Arrange) -> None:
    invoice = await arrange.invoice()
    transaction = await _payment_for(arrange, invoice)
    args = {"transaction": transaction["id"], "suggestion": "inv-999999"}
    refused = error_text(await client.call_tool("apply_transaction_suggestion", args))
    assert "not among the current suggestions" in refused


def _row(**overrides: Any) -> dict[str, Any]:
    row = {
        "amount": "1250.00",
        "description": "Zapłata FV/2026/11/0001",
        "execDate": TODAY.isoformat(),
        "counterpartyName": "Nowy Klient Sp. z o.o.",
        "counterpartyAccount": SENDER_IBAN,
        "operationNumber": "OP-1",
    }
    row.update(overrides)
    return row


async def test_import_creates_every_row_and_reports_counts(client: Client, sandbox: Sandbox) -> None:
    count = sandbox.store.count("transactions")
    rows = [_row(), _row(amount="-99.99", description="Opłata", operationNumber="OP-2", execDate="2026-11-15")]
    body = ok(await client.call_tool("import_transactions", {"transactions": rows}))
    assert (body["received"], body["imported"], body["skipped"]) == (2, 2, 0)
    assert sandbox.store.count("transactions") == count + 2
    stored = [sandbox.store.get("transactions", i) for i in body["ids"]]
    assert [s["description"] for s in stored if s] == ["Zapłata FV/2026/11/0001", "Opłata"]

    again = ok(await client.call_tool("import_transactions", {"transactions": [_row()]}))
    assert (again["imported"], again["skipped"], again["ids"]) == (0, 1, [])
    assert sandbox.store.count("transactions") == count + 2


async def test_import_rejects_bad_rows_before_sending_anything(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    bad_iban = await client.call_tool(
        "import_transactions", {"transactions": [_row(), _row(operationNumber="OP-9", counterpartyAccount="PL00123")]}
    )
    text = error_text(bad_iban)
    assert "transactions.1.counterpartyAccount" in text and "IBAN" in text
    zero = await client.call_tool("import_transactions", {"transactions": [_row(amount="0")]})
    assert "amount" in error_text(zero)
    repeated = await client.call_tool("import_transactions", {"transactions": [_row(), _row()]})
    assert "transactions[1].operationNumber" in error_text(repeated)
    as_float = await client.call_tool("import_transactions", {"transactions": [_row(execDate="16.11.2026")]})
    assert "execDate" in error_text(as_float)
    assert len(sandbox.request_log) == before


async def test_mt940_export_is_saved_with_one_line_per_transaction(
    client: Client, sandbox: Sandbox, download_dir: Path
) -> None:
    since = "2026-11-01"
    expected = [t for t in sandbox.store.all("transactions") if str(t["execDate"])[:10] >= since]
    body = ok(await client.call_tool("export_transactions_mt940", {"date_from": since}))
    assert body["text"] is None
    content = Path(body["path"]).read_bytes()
    assert Path(body["path"]).parent == download_dir.resolve()
    assert body["sha256"] == hashlib.sha256(content).hexdigest() and body["size"] == len(content)
    text = content.decode()
    assert text.startswith(":20:") and ":62F:" in text
    assert text.count(":61:") == len(expected) > 0

    inline = ok(await client.call_tool("export_transactions_mt940", {"date_from": "2026-11-10", "inline": True}))
    assert inline["text"] == Path(inline["path"]).read_bytes().decode()
    assert inline["path"] != body["path"]


async def test_mt940_filters_are_validated_before_any_request(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    bad = await client.call_tool("export_transactions_mt940", {"date_from": "yesterday", "currency": "zloty"})
    text = error_text(bad)
    assert "date_from" in text and "currency" in text
    assert len(sandbox.request_log) == before


async def test_attachments_zip_holds_each_transactions_documents(
    client: Client, sandbox: Sandbox, download_dir: Path
) -> None:
    attached: dict[str, list[str]] = {}
    for attachment in sandbox.store.all("transaction-attachments"):
        if attachment.get("transaction"):
            attached.setdefault(str(attachment["transaction"]).rsplit("/", 1)[1], []).append(attachment["fileName"])
    chosen = list(attached)[:3]
    body = ok(await client.call_tool("export_transaction_attachments_zip", {"transactions": chosen}))
    content = Path(body["path"]).read_bytes()
    assert body["sha256"] == hashlib.sha256(content).hexdigest() and body["text"] is None
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = sorted(archive.namelist())
    assert names == sorted(f"{t}/{name}" for t in chosen for name in attached[t])
