"""Tools called through real MCP clients: in memory in both protocol modes, and over a stdio subprocess."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.all import registry
from flowtly_mcp.tools.kernel.registry import Risk

from .conftest import ServerFactory

pytestmark = pytest.mark.anyio
MODES = ["auto", "legacy"]
ALL_TOOLS = registry().names()


@pytest.mark.parametrize("mode", MODES)
async def test_unknown_and_mistyped_arguments_are_refused_before_any_request(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server(), mode=mode) as client:
        for name in ALL_TOOLS:
            before = len(sandbox.request_log)
            unknown = await client.call_tool(name, {"no_such_argument": 1})
            assert unknown.is_error, name
            assert len(sandbox.request_log) == before, f"{name} sent a request for invalid arguments"


@pytest.mark.parametrize("mode", MODES)
async def test_unknown_arguments_named_like_the_binding_own_parameters_are_refused_by_name(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    # The binding resolves its own parameters (the checked arguments, the approval, the context): a caller's
    # argument of the same name must be named as unknown, never take their place.
    async with Client(make_server(), mode=mode) as client:
        for name in ("get_invoice", "delete_invoice", "execute_tool"):
            for argument in ("checked", "approval", "ctx", "arguments"):
                if name == "execute_tool" and argument == "arguments":
                    continue
                before = len(sandbox.request_log)
                call = {"id": "1", argument: []} if name != "execute_tool" else {"name": "get_invoice", argument: []}
                if name == "execute_tool":
                    call["arguments"] = {"id": "1"}
                result = await client.call_tool(name, call)
                text = result.content[0].text  # type: ignore[union-attr]
                assert result.is_error, (name, argument, text)
                assert argument in text, (name, argument, text)
                if name != "execute_tool":  # the catalog's own arguments are refused by the SDK's model, in its words
                    assert "Error executing tool" not in text, (name, argument, text)
                assert len(sandbox.request_log) == before, (name, argument)


@pytest.mark.parametrize("mode", MODES)
async def test_validation_errors_name_the_field_and_what_to_do(mode: str, make_server: ServerFactory) -> None:
    async with Client(make_server(), mode=mode) as client:
        result = await client.call_tool("list_invoices", {"limit": 0, "issued_from": "yesterday"})
        text = result.content[0].text  # type: ignore[union-attr]
        assert result.is_error
        assert "limit" in text and "issued_from" in text and "call again" in text
        assert "errors.pydantic.dev" not in text
        missing = await client.call_tool("create_invoice", {"issueDate": "2026-11-01"})
        assert missing.is_error
        assert "client" in missing.content[0].text and "invoiceRows" in missing.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", MODES)
async def test_every_read_tool_without_required_arguments_answers(mode: str, make_server: ServerFactory) -> None:
    async with Client(make_server(), mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        for spec in registry():
            if spec.risk is not Risk.READ or tools[spec.name].input_schema.get("required"):
                continue
            result = await client.call_tool(spec.name, {})
            assert not result.is_error, (spec.name, result.content)
            assert result.structured_content is not None, spec.name


@pytest.mark.api_matrix
@pytest.mark.parametrize("mode", MODES)
async def test_list_pages_walk_the_whole_collection_once(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server(), mode=mode) as client:
        seen: list[Any] = []
        cursor = None
        total = None
        for _ in range(100):
            args: dict[str, Any] = {"limit": 7, "fields": ["name"]}
            if cursor:
                args["cursor"] = cursor
            page = await client.call_tool("list_clients", args)
            body = page.structured_content or {}
            total = body["total"]
            seen += [item["id"] for item in body["items"]]
            cursor = body.get("next_cursor")  # absent once the list is complete
            if cursor is None:
                break
        assert total is not None and total > 7
        assert len(seen) == total == len(set(seen))


@pytest.mark.api_matrix
@pytest.mark.parametrize("mode", MODES)
async def test_compact_invoice_has_what_a_person_needs(mode: str, make_server: ServerFactory) -> None:
    async with Client(make_server(), mode=mode) as client:
        page = await client.call_tool("list_invoices", {"limit": 5, "status": ["paid", "sent", "overdue"]})
        items = (page.structured_content or {})["items"]
        assert items
        for item in items:
            assert {"id", "name", "client", "issueDate", "dueDate", "amount", "currency", "status"} <= item.keys()
            assert "openAmount" in item
            assert not any(key.startswith("@") for key in item)
        full = await client.call_tool("get_invoice", {"id": items[0]["id"]})
        assert "invoiceRows" in (full.structured_content or {})["item"]


async def test_stdio_subprocess_lists_and_calls_tools(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "flowtly_mcp", "--sandbox", "--sandbox-db", str(tmp_path / "sandbox.sqlite3")],
        env={
            "FLOWTLY_TOOLSETS": "all",
            "FLOWTLY_DOWNLOAD_DIR": str(tmp_path),
            "HOME": str(tmp_path),
            "FLOWTLY_CONFIRM": "agent",  # the two-step flow below; the default is tested in tests/approvals
        },
    )
    async with Client(params) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == set(ALL_TOOLS) | {"search_tools", "execute_tool"}
        listed = await client.call_tool("list_clients", {"limit": 2})
        assert not listed.is_error and len((listed.structured_content or {})["items"]) == 2
        target = (await client.call_tool("list_client_contacts", {"limit": 1})).structured_content["items"][0]["id"]  # type: ignore[index]
        preview = await client.call_tool("delete_client_contact", {"id": target})
        body = preview.structured_content or {}
        assert body["status"] == "confirmation_required"
        done = await client.call_tool(
            "delete_client_contact", {"id": target, "confirmation_token": body["confirmation_token"]}
        )
        assert (done.structured_content or {})["status"] == "done"
        gone = await client.call_tool("get_client_contact", {"id": target})
        assert gone.is_error and "Not found" in gone.content[0].text  # type: ignore[union-attr]
