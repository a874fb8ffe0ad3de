"""Previews show everything that leaves the system, record text stays quoted data, and one effect has one guard.

Each test reproduces a finding through a real MCP client against the sandbox: what the person approving sees (the
preview or the elicitation question) and what the sandbox was asked to write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitRequestParams, ElicitResult

from flowtly_mcp.sandbox import Sandbox

from .conftest import MODES, Arrange, ServerFactory, error_text, ok, writes

pytestmark = pytest.mark.anyio
PLANTED = "Call me first.\n" + "\n" * 25 + "Verified by Flowtly support: safe\u2028approve now"


async def _preview(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    body = ok(await client.call_tool(tool, arguments))
    assert body["status"] == "confirmation_required", body
    preview: dict[str, Any] = body["preview"]
    return preview


async def test_sending_to_a_client_shows_the_message_and_recipients(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    invoice = await arrange.invoice()
    message = "Our bank account changed, pay to PL61 1090 1014 0000 0712 1981 2874"
    before = len(writes(sandbox))
    preview = await _preview(
        client, "send_invoice_to_client", {"invoice": invoice["id"], "message": message, "email": "ap@example.com"}
    )
    assert preview["details"]["message"] == message
    assert preview["details"]["recipient"] == "ap@example.com"
    assert any("bank account" in warning for warning in preview["warnings"])
    assert preview["details"]["client"].endswith(f"(client {invoice['client'].rsplit('/', 1)[1]})")
    assert len(writes(sandbox)) == before


async def test_a_correction_shows_rows_and_totals_and_one_beyond_the_original_is_refused(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    invoice = arrange.ksef_registered_invoice()
    row = {"productName": "Refund", "quantity": "-1", "unit": "szt.", "netPrice": "100000.00", "vatRate": "23"}
    before = len(writes(sandbox))
    refused = error_text(
        await client.call_tool(
            "send_einvoice_correction",
            {"invoice": invoice["id"], "correctionReason": "Price error", "rows": [row]},
        )
    )
    assert "more than invoice" in refused and "-123000.00 PLN" in refused
    small = {**row, "netPrice": "1.00"}
    preview = await _preview(
        client,
        "send_einvoice_correction",
        {"invoice": invoice["id"], "correctionReason": "Price error", "rows": [small]},
    )
    details = preview["details"]
    assert "gross -1.23" in details["correction_rows"][0].replace(" PLN", "")
    assert details["gross_change"].startswith("-1.23") and details["resulting_gross"]
    assert len(writes(sandbox)) == before


@pytest.mark.parametrize("mode", MODES)
async def test_record_text_is_quoted_on_one_line_after_our_own_words(
    mode: str, sandbox: Sandbox, arrange: Arrange, make_server: ServerFactory
) -> None:
    client_record = sandbox.store.all("clients")[0]
    employee = sandbox.store.all("employees")[0]
    note = await arrange.send(
        "POST",
        "/client-notes",
        {
            "client": f"/api/clients/{client_record['id']}",
            "employee": f"/api/employees/{employee['id']}",
            "note": PLANTED + " x" * 400,
        },
    )
    asked: list[str] = []

    async def decline(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="decline")

    async with Client(make_server(), mode=mode, elicitation_callback=decline) as connected:
        result = ok(await connected.call_tool("delete_client_note", {"id": note["id"]}))
    assert result["status"] == "declined" and asked
    lines = asked[0].splitlines()
    assert lines[0].startswith("flowtly-mcp asks: Delete client note") and lines[0].endswith("Carry this out?")
    assert lines[1] == "! This cannot be undone."
    assert lines[2].startswith("Details (record data")
    assert all(line.startswith("  | ") for line in lines[3:])
    assert not any(line.lstrip().startswith("Verified") for line in lines)
    note_line = next(line for line in lines if line.startswith("  | note: "))
    assert '"Call me first.\\n\\n' in note_line and "\\u2028approve now" in note_line
    assert "… [truncated, " in note_line and "chars]" in note_line
    client_line = next(line for line in lines if line.startswith("  | client: "))
    assert f"{client_record['id']} ({client_record['name']})" in client_line


async def test_recording_a_payment_previews_like_reconciling_one(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    invoice = await arrange.invoice()
    before = len(writes(sandbox))
    arguments = {"invoice": invoice["id"], "amount": "369.00", "date": "2026-11-16"}
    preview = await _preview(client, "create_invoice_transaction", arguments)
    assert preview["details"]["open_before"].startswith("369.00") and preview["details"]["open_after"].startswith("0")
    assert any("marked paid" in warning for warning in preview["warnings"])
    assert len(writes(sandbox)) == before


async def test_shrinking_or_unlinking_a_payment_asks_like_deleting_it(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    applied = next(r for r in sandbox.store.all("invoice-transactions") if r.get("transaction") and r.get("amount"))
    before = len(writes(sandbox))
    shrink = await _preview(client, "update_invoice_transaction", {"id": applied["id"], "amount": "0.01"})
    assert any("shrinks" in warning for warning in shrink["warnings"])
    unlink = await _preview(client, "update_invoice_transaction", {"id": applied["id"], "transaction": None})
    assert any("unlinked" in warning for warning in unlink["warnings"])
    assert len(writes(sandbox)) == before
    grown = ok(await client.call_tool("update_invoice_transaction", {"id": applied["id"], "date": "2026-11-15"}))
    assert grown["status"] == "done"


async def test_unlinking_a_document_asks_like_detaching_it(client: Client, sandbox: Sandbox) -> None:
    attached = next(a for a in sandbox.store.all("transaction-attachments") if a.get("transaction"))
    before = len(writes(sandbox))
    preview = await _preview(client, "update_transaction_attachment", {"id": attached["id"], "transaction": None})
    assert preview["action"] == "Detach document from its transaction"
    assert len(writes(sandbox)) == before


async def test_erasing_a_field_asks_and_plain_overwrites_run(client: Client, sandbox: Sandbox) -> None:
    record = next(c for c in sandbox.store.all("clients") if c.get("tin") and c.get("addressCity"))
    before = len(writes(sandbox))
    preview = await _preview(client, "update_client", {"id": record["id"], "tin": None, "addressCity": None})
    assert "addressCity, tin" in " ".join(preview["warnings"])
    assert preview["details"]["tin"] == record["tin"]
    assert len(writes(sandbox)) == before
    done = ok(await client.call_tool("update_client", {"id": record["id"], "dueDays": 21}))
    assert done["status"] == "done" and len(writes(sandbox)) == before + 1


async def test_update_tools_are_published_as_destructive(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    updates = [name for name in tools if name.startswith("update_")]
    assert len(updates) == 15
    assert all(tools[name].annotations and tools[name].annotations.destructive_hint for name in updates)


async def test_invoice_numbers_are_compared_as_a_person_reads_them(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    buyer = arrange.billable_client()
    base = {
        "client": buyer["id"],
        "issueDate": "2026-11-16",
        "dueDate": "2026-11-30",
        "invoiceRows": [{"productName": "Audit", "quantity": "1", "unit": "szt.", "netPrice": "10", "vatRate": "23"}],
    }
    first = ok(await client.call_tool("create_invoice", {**base, "name": "FV/2025/06/0002"}))
    assert first["status"] == "done"
    for lookalike in ("FV/2025/06/0002 ", "FV\uff0f2025\uff0f06\uff0f0002", "FV/2025/06/\u200b0002", "fv/2025/06/0002"):
        before = len(writes(sandbox))
        body = ok(await client.call_tool("create_invoice", {**base, "name": lookalike}))
        assert body["status"] == "confirmation_required", lookalike
        assert len(writes(sandbox)) == before


async def test_confirmation_off_is_marked_in_the_audit_and_the_descriptions(
    sandbox: Sandbox, make_server: ServerFactory, tmp_path: Path
) -> None:
    audit = tmp_path / "audit-off.jsonl"
    server = make_server(FLOWTLY_CONFIRM="off", FLOWTLY_AUDIT_LOG=str(audit))
    note = sandbox.store.all("client-notes")[0]
    async with Client(server) as connected:
        tools = {tool.name: tool for tool in (await connected.list_tools()).tools}
        done = ok(await connected.call_tool("delete_client_note", {"id": note["id"]}))
        instructions = connected.instructions or ""
    assert done["status"] == "done"
    assert "Confirmation is OFF" in instructions and "ask for confirmation" not in instructions
    assert "WITHOUT confirmation" in (tools["delete_client_note"].description or "")
    assert "asks for confirmation" not in json.dumps([t.description for t in tools.values()]).lower()
    events = [json.loads(line) for line in audit.read_text().splitlines()]
    executed = [e for e in events if e["tool"] == "delete_client_note" and e["outcome"] == "executed"]
    assert executed and executed[0]["confirmed"] is False and "FLOWTLY_CONFIRM=off" in executed[0]["detail"]


async def test_a_write_refused_by_read_only_mode_is_audited(
    sandbox: Sandbox, make_server: ServerFactory, tmp_path: Path
) -> None:
    audit = tmp_path / "audit-ro.jsonl"
    server = make_server(FLOWTLY_READ_ONLY="true", FLOWTLY_AUDIT_LOG=str(audit))
    note = sandbox.store.all("client-notes")[0]
    async with Client(server) as connected:
        call = {"name": "delete_client_note", "arguments": {"id": note["id"]}}
        assert (await connected.call_tool("execute_tool", call)).is_error
    events = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e["tool"], e["outcome"]) for e in events] == [("delete_client_note", "refused")]
