"""Network and proxy faults injected at the transport, seen through the MCP tools.

Every scenario ends in a correct retry or an isError result whose text says what happened and what to do; a write
is never sent twice (the sandbox's request log is the witness); and the server keeps serving: once the fault is
gone, the next call succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import MODES, ServerFactory, first_id, structured, text_of, writes
from .faults import (
    HTML_ERROR_PAGE,
    BreakMidBody,
    Fault,
    FaultTransport,
    Raise,
    Replace,
    Retype,
    Slow,
    Status,
    StatusAfterServer,
    Truncate,
    on,
)

pytestmark = pytest.mark.anyio

# Fast enough for a test, far longer than the sandbox needs to answer.
SHORT_TIMEOUT = "0.3"


@dataclass(frozen=True)
class Case:
    name: str
    fault: Fault
    times: int | None  # None: the fault never stops
    succeeds: bool
    words: tuple[str, ...] = ()  # each must appear in the error text (case-insensitive)


RETRY_AFTER_NOW = {"retry-after": "0"}
READ_CASES = [
    Case("429 storm, then served", Status(429, headers=RETRY_AFTER_NOW), 3, True),
    Case("429 that never ends", Status(429, headers={"retry-after": "7"}), None, False, ("rate limit", "7 s")),
    Case("503 twice, then served", Status(503, b"Service Unavailable", "text/plain"), 2, True),
    Case("502 that never ends", Status(502), None, False, ("502", "try again later")),
    Case("500", Status(500, b'{"detail":"boom"}', "application/problem+json"), 1, False, ("500", "try again")),
    Case("HTML error page from a proxy", Status(502, HTML_ERROR_PAGE, "text/html"), None, False, ("502",)),
    Case("timeout mid-body, once", BreakMidBody(httpx2.ReadTimeout), 1, True),
    Case("timeout mid-body, always", BreakMidBody(httpx2.ReadTimeout), None, False, ("in time", "try again")),
    Case("connection reset, once", Raise(httpx2.ReadError), 1, True),
    Case("connection reset, always", Raise(httpx2.ReadError), None, False, ("connection", "reset")),
    Case("reset mid-body", BreakMidBody(httpx2.RemoteProtocolError), 1, True),
    Case("truncated JSON", Truncate(0.6), 1, False, ("malformed or cut short",)),
    Case("JSON labelled text/plain", Retype("text/plain"), 1, False, ("expected json", "text/plain")),
    Case(
        "HTML page with 200 (captive portal)",
        Replace(200, b"<html><head><title>Hotel WiFi login</title></head></html>", "text/html"),
        1,
        False,
        ("html page", "hotel wifi login", "flowtly_base_url"),
    ),
    Case("XML instead of JSON", Replace(200, b"<invoice/>", "application/xml"), 1, False, ("application/xml",)),
]

WRITE_CASES = [
    # (case, how many times the sandbox must have received the write)
    (Case("429 before the server", Status(429, headers={"retry-after": "3"}), 1, False, ("rate limit",)), 0),
    (Case("503 before the server", Status(503), 1, False, ("503",)), 0),
    (Case("reset before sending", Raise(httpx2.ConnectError, "connection refused"), 1, True), 1),
    (Case("reset before the answer", Raise(httpx2.ReadError), 1, False, ("may or may not", "read the record")), 0),
    (
        Case("answer lost after the write", Raise(httpx2.ReadError, reaches_server=True), 1, False, ("read the",)),
        1,
    ),
    (Case("502 after the write", StatusAfterServer(502), 1, False, ("may or may not", "read the record back")), 1),
    (Case("timeout mid-body after the write", BreakMidBody(httpx2.ReadTimeout), 1, False, ("may or may not",)), 1),
    (Case("truncated answer to the write", Truncate(0.5), 1, False, ("cut short", "read the record back")), 1),
]


def _ids(cases: list[Any]) -> list[str]:
    return [(case[0] if isinstance(case, tuple) else case).name for case in cases]


def _assert_error(result: Any, words: tuple[str, ...]) -> None:
    text = text_of(result)
    assert result.is_error, text
    assert text.strip(), "an error must say something"
    for word in words:
        assert word in text.lower(), f"{word!r} missing from: {text}"
    # No traceback, no library internals: the text is for a model to act on.
    assert "Traceback" not in text and "httpx" not in text.lower()


def _count(sandbox: Sandbox, method: str, path: str, since: int) -> int:
    return sum(1 for entry in sandbox.request_log[since:] if entry[0] == method and entry[1] == path)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", READ_CASES, ids=_ids(READ_CASES))
async def test_read_faults(
    case: Case, mode: str, sandbox: Sandbox, wire: FaultTransport, make_server: ServerFactory
) -> None:
    since = len(sandbox.request_log)
    async with Client(make_server(), mode=mode) as client:
        invoice = await first_id(client, "list_invoices")
        path = f"/invoices/{invoice}"
        wire.inject(case.fault, on("GET", path), times=case.times)
        result = await client.call_tool("get_invoice", {"id": str(invoice)})
        if case.succeeds:
            assert not result.is_error, text_of(result)
            assert structured(result)["item"]["id"] == invoice
            attempts = sum(1 for seen in wire.seen if seen == ("GET", path))
            assert attempts == (case.times or 0) + 1, "each failed attempt is retried once, no more"
        else:
            _assert_error(result, case.words)
        assert writes(sandbox, since) == [], "a read must never write"

        wire.clear()
        again = await client.call_tool("get_invoice", {"id": str(invoice)})
        assert not again.is_error, text_of(again)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("case", "received"), WRITE_CASES, ids=_ids(WRITE_CASES))
async def test_write_faults_never_duplicate(
    case: Case, received: int, mode: str, sandbox: Sandbox, wire: FaultTransport, make_server: ServerFactory
) -> None:
    client_id = sandbox.store.all("clients")[0]["id"]
    employee_id = sandbox.store.all("employees")[0]["id"]
    notes_before = sandbox.store.count("client-notes")
    since = len(sandbox.request_log)
    arguments = {"client": str(client_id), "employee": str(employee_id), "note": f"robustness: {case.name}"}
    async with Client(make_server(), mode=mode) as client:
        wire.inject(case.fault, on("POST", "/client-notes"), times=case.times)
        result = await client.call_tool("create_client_note", arguments)
        if case.succeeds:
            assert not result.is_error, text_of(result)
        else:
            _assert_error(result, case.words)
        assert _count(sandbox, "POST", "/client-notes", since) == received, "the write reached the server this often"
        assert sandbox.store.count("client-notes") == notes_before + received

        wire.clear()
        later = await client.call_tool("list_client_notes", {"limit": 1})
        assert not later.is_error, text_of(later)
    assert _count(sandbox, "POST", "/client-notes", since) == received, "nothing was re-sent behind the caller's back"


@pytest.mark.parametrize("mode", MODES)
async def test_slower_than_the_timeout(
    mode: str, sandbox: Sandbox, wire: FaultTransport, make_server: ServerFactory
) -> None:
    async with Client(make_server(FLOWTLY_TIMEOUT=SHORT_TIMEOUT), mode=mode) as client:
        invoice = await first_id(client, "list_invoices")
        path = f"/invoices/{invoice}"
        wire.inject(Slow(30.0), on("GET", path), times=1)
        retried = await client.call_tool("get_invoice", {"id": str(invoice)})
        assert not retried.is_error, text_of(retried)

        wire.inject(Slow(30.0), on("GET", path), times=None)
        gave_up = await client.call_tool("get_invoice", {"id": str(invoice)})
        _assert_error(gave_up, ("did not answer in time",))

        client_id = sandbox.store.all("clients")[0]["id"]
        since = len(sandbox.request_log)
        wire.clear()
        wire.inject(Slow(30.0), on("PATCH", f"/clients/{client_id}"), times=None)
        slow_write = await client.call_tool("update_client", {"id": str(client_id), "dueDays": 21})
        _assert_error(slow_write, ("in time", "may or may not"))
        assert _count(sandbox, "PATCH", f"/clients/{client_id}", since) == 1, "a slow write is never re-sent"

        wire.clear()
        assert not (await client.call_tool("get_invoice", {"id": str(invoice)})).is_error


@pytest.mark.parametrize("mode", MODES)
async def test_lost_answer_to_a_confirmed_delete_is_not_repeated(
    mode: str, sandbox: Sandbox, wire: FaultTransport, make_server: ServerFactory
) -> None:
    since = len(sandbox.request_log)
    async with Client(make_server(), mode=mode) as client:
        target = await first_id(client, "list_client_contacts")
        path = f"/client-contacts/{target}"
        preview = structured(await client.call_tool("delete_client_contact", {"id": target}))
        assert preview["status"] == "confirmation_required"
        token = preview["confirmation_token"]

        wire.inject(Raise(httpx2.ReadError, reaches_server=True), on("DELETE", path))
        lost = await client.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        _assert_error(lost, ("may or may not",))
        assert _count(sandbox, "DELETE", path, since) == 1
        assert sandbox.store.get("client-contacts", target) is None, "the delete took effect"

        # A model that simply tries again with the same approval must not cause a second delete.
        replay = await client.call_tool("delete_client_contact", {"id": target, "confirmation_token": token})
        assert replay.is_error
        assert _count(sandbox, "DELETE", path, since) == 1
        assert not (await client.call_tool("list_client_contacts", {"limit": 1})).is_error


def _page(number: int) -> Any:
    return lambda request: (
        request.method == "GET" and request.url.path == "/invoices" and request.url.params.get("page") == str(number)
    )


@pytest.mark.parametrize("mode", MODES)
async def test_a_page_failing_in_the_middle_of_a_concurrent_walk(
    mode: str, sandbox: Sandbox, wire: FaultTransport, make_server: ServerFactory
) -> None:
    arguments = {"as_of": "2026-11-16"}
    async with Client(make_server(), mode=mode) as client:
        clean = structured(await client.call_tool("receivables_aging", arguments))

        once = wire.inject(Status(502), _page(3), times=1)
        retried = await client.call_tool("receivables_aging", arguments)
        assert once.hits == 1
        assert not retried.is_error, text_of(retried)
        assert structured(retried) == clean, "a retried page gives the same report"

        always = wire.inject(BreakMidBody(httpx2.RemoteProtocolError), _page(3), times=None)
        broken = await client.call_tool("receivables_aging", arguments)
        assert always.hits == 4, "the first attempt and three retries"
        _assert_error(broken, ("connection",))
        assert broken.structured_content is None, "no partial report is passed off as the answer"

        wire.clear()
        assert structured(await client.call_tool("receivables_aging", arguments)) == clean
