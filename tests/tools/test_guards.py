"""Confirmation guards, enumerated from the registry: nothing destructive happens without confirmation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitRequestParams, ElicitResult

from flowtly_mcp.config import ConfigError, ConfirmPolicy, ServerSettings
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.all import registry
from flowtly_mcp.tools.kernel.guards import TOKEN_TTL_SECONDS, Guard
from flowtly_mcp.tools.kernel.registry import Risk

from .conftest import ServerFactory, writes

pytestmark = pytest.mark.anyio
MODES = ["auto", "legacy"]
DELETE_TOOLS = sorted(s.name for s in registry() if s.risk is Risk.DESTRUCTIVE and s.name.startswith("delete_"))


def _list_tool_for(delete_tool: str) -> str:
    spec = registry().get(delete_tool)
    assert spec is not None
    family = spec.operations[0].split()[1].split("/")[1]
    return next(s.name for s in registry() if s.operations == (f"GET /{family}",))


# Records that can be deleted: invoices with a KSeF number cannot (that refusal is tested on its own).
DELETABLE = {"delete_invoice": {"status": ["draft"]}}


async def _first_id(client: Client, delete_tool: str) -> Any:
    listed = await client.call_tool(_list_tool_for(delete_tool), {"limit": 1, **DELETABLE.get(delete_tool, {})})
    assert not listed.is_error, listed.content
    items = listed.structured_content["items"]  # type: ignore[index]
    assert items, f"the seeded sandbox has no record to try {delete_tool} on"
    return items[0]["id"]


def _elicitor(action: str, confirm: bool = True) -> Any:
    async def answer(context: Any, params: ElicitRequestParams) -> ElicitResult:
        return ElicitResult(action=action, content={"confirm": confirm} if action == "accept" else None)

    return answer


def test_every_destructive_and_irreversible_tool_has_a_preview() -> None:
    guarded = [s for s in registry() if s.risk.guarded]
    assert guarded, "the registry declares guarded tools"
    assert all(s.preview is not None for s in guarded)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tool", DELETE_TOOLS)
async def test_delete_needs_a_token_and_runs_exactly_once(
    tool: str, mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server(), mode=mode) as client:
        target = await _first_id(client, tool)
        before = len(writes(sandbox))
        first = await client.call_tool(tool, {"id": target})
        assert not first.is_error, first.content
        body = first.structured_content or {}
        assert body["status"] == "confirmation_required"
        assert body["preview"]["target"].endswith(f"/{target}")
        assert len(writes(sandbox)) == before, "a preview must not write"

        done = await client.call_tool(tool, {"id": target, "confirmation_token": body["confirmation_token"]})
        assert not done.is_error, done.content
        assert (done.structured_content or {})["status"] == "done"
        deletes = [w for w in writes(sandbox)[before:] if w[0] == "DELETE"]
        assert len(deletes) == 1

        replay = await client.call_tool(tool, {"id": target, "confirmation_token": body["confirmation_token"]})
        assert replay.is_error
        assert len(writes(sandbox)) == before + 1


@pytest.mark.parametrize("mode", MODES)
async def test_token_for_other_arguments_is_refused(mode: str, sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server(), mode=mode) as client:
        listed = await client.call_tool("list_client_contacts", {"limit": 2})
        first, second = [item["id"] for item in (listed.structured_content or {})["items"]]
        preview = await client.call_tool("delete_client_contact", {"id": first})
        token = (preview.structured_content or {})["confirmation_token"]
        before = len(writes(sandbox))
        wrong = await client.call_tool("delete_client_contact", {"id": second, "confirmation_token": token})
        assert wrong.is_error
        assert "arguments differ" in wrong.content[0].text  # type: ignore[union-attr]
        other_tool = await client.call_tool("delete_client_note", {"id": "cln_1", "confirmation_token": token})
        assert other_tool.is_error
        assert len(writes(sandbox)) == before


@pytest.mark.parametrize("mode", MODES)
async def test_token_is_refused_when_the_target_changed(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server(), mode=mode) as client:
        target = await _first_id(client, "delete_client_contact")
        preview = await client.call_tool("delete_client_contact", {"id": target})
        token = (preview.structured_content or {})["confirmation_token"]
        changed = await client.call_tool("update_client_contact", {"id": target, "title": "Changed meanwhile"})
        assert not changed.is_error, changed.content
        before = len(writes(sandbox))
        refused = await client.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        assert refused.is_error
        assert "changed since the preview" in refused.content[0].text  # type: ignore[union-attr]
        assert len(writes(sandbox)) == before


@pytest.mark.parametrize("mode", MODES)
async def test_elicitation_accept_runs_once_and_decline_changes_nothing(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    server = make_server()
    async with Client(server, mode=mode, elicitation_callback=_elicitor("decline")) as client:
        target = await _first_id(client, "delete_client_contact")
        before = len(writes(sandbox))
        declined = await client.call_tool("delete_client_contact", {"id": target})
        assert not declined.is_error
        assert (declined.structured_content or {})["status"] == "declined"
        assert len(writes(sandbox)) == before
    async with Client(server, mode=mode, elicitation_callback=_elicitor("accept", confirm=False)) as client:
        said_no = await client.call_tool("delete_client_contact", {"id": target})
        assert (said_no.structured_content or {})["status"] == "declined"
        assert len(writes(sandbox)) == before
    async with Client(server, mode=mode, elicitation_callback=_elicitor("accept")) as client:
        accepted = await client.call_tool("delete_client_contact", {"id": target})
        assert not accepted.is_error, accepted.content
        assert (accepted.structured_content or {})["status"] == "done"
        assert [w[0] for w in writes(sandbox)[before:]] == ["DELETE"]


@pytest.mark.parametrize("old", ["token", "elicit"])
def test_former_policy_names_are_refused_with_what_to_use(old: str) -> None:
    with pytest.raises(ConfigError, match=f"FLOWTLY_CONFIRM=.*{old} is now"):
        ServerSettings.from_env({"FLOWTLY_API_TOKEN": "t", "FLOWTLY_CONFIRM": old})


async def test_catalog_execute_is_guarded_too(sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server(FLOWTLY_TOOLSETS="default")) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "delete_client_contact" not in names
        found = await client.call_tool("search_tools", {"query": "delete client contact"})
        assert "delete_client_contact" in json.dumps(found.structured_content)
        listed = await client.call_tool("execute_tool", {"name": "list_client_contacts", "arguments": {"limit": 1}})
        target = (listed.structured_content or {})["items"][0]["id"]
        before = len(writes(sandbox))
        preview = await client.call_tool("execute_tool", {"name": "delete_client_contact", "arguments": {"id": target}})
        body = preview.structured_content or {}
        assert body["status"] == "confirmation_required"
        assert len(writes(sandbox)) == before
        args = {"id": target, "confirmation_token": body["confirmation_token"]}
        done = await client.call_tool("execute_tool", {"name": "delete_client_contact", "arguments": args})
        assert (done.structured_content or {})["status"] == "done"
        assert len(writes(sandbox)) == before + 1


async def test_read_only_refuses_writes_through_the_catalog(sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server(FLOWTLY_READ_ONLY="true")) as client:
        before = len(writes(sandbox))
        refused = await client.call_tool("execute_tool", {"name": "delete_client_contact", "arguments": {"id": 1}})
        assert refused.is_error
        assert "read-only" in refused.content[0].text  # type: ignore[union-attr]
        assert len(writes(sandbox)) == before


async def test_audit_lines_for_each_outcome(tmp_path: Any, sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server()) as client:
        target = await _first_id(client, "delete_client_contact")
        preview = await client.call_tool("delete_client_contact", {"id": target})
        token = (preview.structured_content or {})["confirmation_token"]
        await client.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        await client.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        await client.call_tool("get_invoice", {"id": 1})
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    outcomes = [(line["tool"], line["outcome"]) for line in lines]
    assert ("delete_client_contact", "previewed") in outcomes
    assert ("delete_client_contact", "confirmed") in outcomes
    assert ("delete_client_contact", "executed") in outcomes
    assert ("delete_client_contact", "refused") in outcomes
    assert all(line["tool"] != "get_invoice" for line in lines), "reads are not audited"
    assert all(line["arguments"].get("confirmation_token") in (None, "[redacted]") for line in lines)
    assert all(line["operations"] == ["DELETE /client-contacts/{id}"] for line in lines)


def test_tokens_expire_and_bind_their_tool() -> None:
    now = [1_000_000.0]
    guard = Guard(ConfirmPolicy.AGENT, b"k" * 32, clock=lambda: now[0])
    token, expires = guard.issue("delete_invoice", {"id": "3"}, "fp", approval_id="apr_1")
    assert expires == 1_000_000 + TOKEN_TTL_SECONDS
    assert guard.verify(token, "delete_invoice", {"id": "3"}, "fp")[0] is None
    assert guard.verify(token, "delete_invoice", {"id": "3"}, "fp")[2] == "apr_1"
    assert "issued for delete_invoice" in (guard.verify(token, "delete_client", {"id": "3"}, "fp")[0] or "")
    assert "altered" in (guard.verify(token[:-2] + "xx", "delete_invoice", {"id": "3"}, "fp")[0] or "")
    now[0] += TOKEN_TTL_SECONDS + 1
    assert "expired" in (guard.verify(token, "delete_invoice", {"id": "3"}, "fp")[0] or "")
    other = Guard(ConfirmPolicy.AGENT, b"z" * 32, clock=lambda: now[0])
    assert other.verify(token, "delete_invoice", {"id": "3"}, "fp")[0] is not None


@pytest.mark.parametrize("mode", MODES)
async def test_an_agent_token_is_spent_once_for_every_server_sharing_the_store(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    # Two servers (as two workers would be) with one secret and one store: a token confirmed on one is spent on both.
    first_server = make_server(FLOWTLY_CONFIRM_SECRET="s" * 40)
    second_server = make_server(FLOWTLY_CONFIRM_SECRET="s" * 40)
    async with Client(first_server, mode=mode) as one, Client(second_server, mode=mode) as two:
        target = await _first_id(one, "delete_client_contact")
        preview = await one.call_tool("delete_client_contact", {"id": target})
        token = (preview.structured_content or {})["confirmation_token"]
        before = len(writes(sandbox))
        done = await two.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        assert (done.structured_content or {})["status"] == "done", done.content
        replay = await one.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        assert replay.is_error
        assert len(writes(sandbox)) == before + 1


@pytest.mark.parametrize("mode", MODES)
async def test_creating_an_invoice_number_twice_asks_first(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server(), mode=mode) as client:
        listed = await client.call_tool("list_clients", {"limit": 1})
        client_id = (listed.structured_content or {})["items"][0]["id"]
        invoice = {
            "client": client_id,
            "issueDate": "2026-11-10",
            "dueDate": "2026-11-24",
            "name": "FV/TEST/0001",
            "invoiceRows": [
                {"productName": "Consulting", "quantity": "2", "unit": "h", "netPrice": "150.00", "vatRate": "23"}
            ],
        }
        first = await client.call_tool("create_invoice", invoice)
        assert not first.is_error, first.content
        assert (first.structured_content or {})["status"] == "done"
        assert (first.structured_content or {})["result"]["item"]["amount"] == "369.00"
        before = len(writes(sandbox))
        again = await client.call_tool("create_invoice", invoice)
        body = again.structured_content or {}
        assert body["status"] == "confirmation_required"
        assert len(writes(sandbox)) == before
        forced = await client.call_tool("create_invoice", {**invoice, "confirmation_token": body["confirmation_token"]})
        assert (forced.structured_content or {})["status"] == "done"
        assert len(writes(sandbox)) == before + 1


async def test_an_invoice_in_ksef_is_refused_at_preview(sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server()) as client:
        listed = await client.call_tool("list_invoices", {"limit": 1, "sent_to_ksef": True, "status": ["paid"]})
        target = (listed.structured_content or {})["items"][0]["id"]
        before = len(writes(sandbox))
        refused = await client.call_tool("delete_invoice", {"id": target})
        assert refused.is_error
        assert "correction" in refused.content[0].text  # type: ignore[union-attr]
        assert len(writes(sandbox)) == before
