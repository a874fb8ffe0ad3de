"""Property-based fuzzing of every tool's input schema, as `tools/list` publishes it.

- Arguments the schema accepts never crash the protocol: `call_tool` raises nothing, and every result is either a
  success with structured content or an isError result with text (and never an unexplained internal error).
- Arguments with one thing wrong (an unknown field, a missing required one, a value of the wrong type) are refused
  before any request leaves: neither the transport nor the sandbox sees anything, and the error names the field.

The light profile (default, CI) tries a few examples per tool with a fixed seed; FLOWTLY_FUZZ=heavy tries many,
randomly. Hypothesis drives a client that lives in an event loop of its own (a blocking portal).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult, Tool

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server
from flowtly_mcp.tools.all import registry

from . import schemas
from .conftest import MODES, seeded_sandbox, server_settings, text_of
from .faults import FaultTransport

HEAVY = os.environ.get("FLOWTLY_FUZZ", "light").strip().lower() == "heavy"
VALID_EXAMPLES = 60 if HEAVY else 3
BROKEN_EXAMPLES = 120 if HEAVY else 6
CATALOG = ("search_tools", "execute_tool")
TOOL_NAMES = [*registry().names(), *CATALOG]
INTERNAL_ERROR = "Internal error in"
# The guard's own parameter: only a second call carries it, so broken arguments leave it out unless it is the
# broken one (its check comes first and would hide any other problem).
CONTROL = frozenset({"confirmation_token"})


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=not HEAVY,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


@dataclass
class Target:
    portal: BlockingPortal
    client: Client
    sandbox: Sandbox
    wire: FaultTransport
    tools: dict[str, Tool]

    def call(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        result: CallToolResult = self.portal.call(self.client.call_tool, name, arguments)
        return result


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal(backend="asyncio") as running:
        yield running


@pytest.fixture(scope="module", params=MODES)
def target(
    request: pytest.FixtureRequest, portal: BlockingPortal, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    sandbox = seeded_sandbox()
    wire = FaultTransport(httpx2.ASGITransport(app=sandbox.app))
    directory: Path = tmp_path_factory.mktemp("fuzz")
    server = build_server(
        server_settings(directory, {"FLOWTLY_DOWNLOAD_DIR": str(directory / "files")}), transport=wire
    )
    with portal.wrap_async_context_manager(Client(server, mode=request.param)) as client:
        listed = portal.call(client.list_tools)
        yield Target(portal, client, sandbox, wire, {tool.name: tool for tool in listed.tools})


def test_every_tool_is_fuzzed(target: Target) -> None:
    assert set(target.tools) == set(TOOL_NAMES), "tools/list and the fuzzed names differ"


def _check_answer(tool: str, result: CallToolResult) -> None:
    text = text_of(result)
    if result.is_error:
        assert text.strip(), f"{tool}: an isError result without text"
        assert INTERNAL_ERROR not in text, f"{tool}: an unexpected exception reached the error boundary: {text}"
        assert "Traceback" not in text, f"{tool}: a traceback in the answer"
    else:
        assert result.structured_content is not None or text.strip(), f"{tool}: a success with nothing in it"


@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_schema_valid_arguments_never_crash(tool: str, target: Target) -> None:
    schema = target.tools[tool].input_schema

    @_settings(VALID_EXAMPLES)
    @given(arguments=schemas.valid(schema))
    def call(arguments: dict[str, Any]) -> None:
        _check_answer(tool, target.call(tool, arguments))

    call()


@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_broken_arguments_are_refused_before_any_request(tool: str, target: Target) -> None:
    schema = target.tools[tool].input_schema

    strategy = schemas.broken(schema, omit=CONTROL)

    @_settings(BROKEN_EXAMPLES)
    @given(breakage=strategy)
    def call(breakage: schemas.Breakage) -> None:
        seen, served = len(target.wire.seen), len(target.sandbox.request_log)
        result = target.call(tool, breakage.arguments)
        text = text_of(result)
        assert result.is_error, f"{tool} accepted arguments with a {breakage.kind} ({breakage.field}): {text}"
        # Only the first problems are listed; a field past them may go unnamed.
        if "more)" not in text:
            assert breakage.field in text, f"{tool}: the error does not name {breakage.field!r}: {text}"
        assert len(target.wire.seen) == seen, f"{tool} sent {target.wire.seen[seen:]} for a {breakage.kind}"
        assert len(target.sandbox.request_log) == served

    call()


def test_execute_tool_refuses_broken_arguments_of_any_tool(target: Target) -> None:
    """The catalog path validates like a direct call: broken arguments for the named tool send nothing."""
    listed = sorted(name for name in TOOL_NAMES if name not in CATALOG)

    @_settings(BROKEN_EXAMPLES * 4)
    @given(data=st.data())
    def call(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(listed))
        breakage = data.draw(schemas.broken(target.tools[name].input_schema, omit=CONTROL))
        seen = len(target.wire.seen)
        result = target.call("execute_tool", {"name": name, "arguments": breakage.arguments})
        assert result.is_error, f"execute_tool({name}) accepted a {breakage.kind} ({breakage.field})"
        assert len(target.wire.seen) == seen, f"execute_tool({name}) sent {target.wire.seen[seen:]}"

    call()


def test_a_confirmation_token_of_the_wrong_type_is_refused(target: Target) -> None:
    """A forged, non-text confirmation token is refused outright: no preview is read, nothing is sent."""
    seen = len(target.wire.seen)
    result = target.call("delete_client_note", {"id": "cln_1", "confirmation_token": {"forged": True}})
    assert result.is_error, text_of(result)
    assert len(target.wire.seen) == seen


def test_execute_tool_refuses_a_confirmation_token_of_the_wrong_type(target: Target) -> None:
    """Through the catalog too: the token is checked before the guard looks at it (it once crashed there)."""
    seen = len(target.wire.seen)
    arguments = {"id": "cln_1", "confirmation_token": {"forged": True}}
    result = target.call("execute_tool", {"name": "delete_client_note", "arguments": arguments})
    assert result.is_error
    assert "confirmation_token" in text_of(result), text_of(result)
    assert len(target.wire.seen) == seen


@pytest.mark.parametrize("tool", CATALOG)
def test_catalog_tools_refuse_unknown_arguments(tool: str, target: Target) -> None:
    """search_tools and execute_tool refuse arguments they do not declare, like every other tool, so a misspelt
    argument is noticed."""
    arguments = {"query": "invoice"} if tool == "search_tools" else {"name": "list_clients", "arguments": {}}
    result = target.call(tool, {**arguments, "limt": 1})
    assert result.is_error, text_of(result)
    assert "limt" in text_of(result)
    assert "pydantic" not in text_of(result) and "type=" not in text_of(result), "plain words, not pydantic's"


def test_execute_tool_says_where_the_called_tools_arguments_go(target: Target) -> None:
    """The commonest slip with the catalog, the called tool's arguments beside `name`, is answered with the fix; a
    missing or malformed `arguments` and other problems are named in the same plain words."""
    seen = len(target.wire.seen)
    misplaced = target.call("execute_tool", {"name": "list_clients", "arguments": {}, "limit": 5, "cursor": "x"})
    assert misplaced.is_error
    assert text_of(misplaced) == (
        "Invalid arguments — limit, cursor: execute_tool takes only name and arguments; the called tool's own "
        'arguments go inside arguments, as in {"name": "list_clients", "arguments": {"limit": ..., "cursor": ...}}. '
        "Fix them and call again."
    )
    for arguments in ({"name": "list_clients"}, {"name": "list_clients", "arguments": "limit=5"}):
        result = target.call("execute_tool", arguments)
        assert result.is_error
        assert "arguments: must be an object holding the called tool's arguments ({} when it takes none)" in (
            text_of(result)
        )
    both = target.call("execute_tool", {"name": "<b>" * 40, "arguments": {}, "limit": 5})
    assert both.is_error
    assert '{"name": "tool_name", "arguments": {"limit": ...}}' in text_of(both), "an odd name is not echoed"
    assert "name: string should have at most 100 characters" in text_of(both)
    assert len(target.wire.seen) == seen, "refused before any request"


def test_search_tools_names_the_field_at_fault_in_plain_words(target: Target) -> None:
    result = target.call("search_tools", {"query": "invoice", "limit": 100})
    assert result.is_error
    assert text_of(result) == (
        "Invalid arguments — limit: input should be less than or equal to 20. Fix these fields and call again."
    )


@pytest.mark.anyio
async def test_a_malformed_vat_number_does_not_break_reconciliation(tmp_path: Path) -> None:
    """A client with a malformed VAT number ("XX123", which create_client accepts) must not turn the matching index
    into an internal error for every transaction: such a value is simply not a tax identifier."""
    sandbox = seeded_sandbox()
    server = build_server(server_settings(tmp_path), transport=httpx2.ASGITransport(app=sandbox.app))
    junk = {"name": "Junk Ltd", "country": "PL", "currency": "PLN", "tinType": "NONE", "vatNumber": "XX123"}
    address = {"addressStreetLine": "Prosta 1", "addressPostCode": "00-001", "addressCity": "Warszawa"}
    async with Client(server) as client:
        created = await client.call_tool("create_client", {**junk, **address})
        assert not created.is_error, text_of(created)
        transaction = sandbox.store.all("transactions")[0]["id"]
        result = await client.call_tool("suggest_payment_matches", {"transaction": str(transaction)})
        assert not result.is_error, text_of(result)
