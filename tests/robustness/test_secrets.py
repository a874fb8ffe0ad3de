"""Secrets stay secret: the API token, the password, the tokens a login returns and the confirmation secret appear
in no tool output, no error, no resource, no audit line and no log record, even at DEBUG, even when a careless
server or proxy repeats the request's headers back in its answer or in a transport error.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.types import CallToolResult, TextResourceContents

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server

from .conftest import MODES, TOKEN, ServerFactory, seeded_sandbox, server_settings, structured, text_of
from .faults import EchoRequest, FaultTransport, RaiseEchoing, on

pytestmark = pytest.mark.anyio

USER = "finance"
PASSWORD = "s3cret-Pa55word-robustness-81c2"
CONFIRM_SECRET = "confirm-secret-robustness-7c1d9e0a4b"
WRONG_TOKEN = "wrong-api-token-robustness-0d0e"


@dataclass
class Sinks:
    """Everything a person or a model could read after the calls."""

    texts: list[str] = field(default_factory=list)

    def keep(self, result: CallToolResult) -> CallToolResult:
        self.texts.append(text_of(result))
        self.texts.append(json.dumps(result.structured_content, ensure_ascii=False, default=str))
        return result


def _log_texts(records: list[logging.LogRecord]) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in records]


def _assert_nowhere(secrets: set[str], texts: list[str], *, echoed: bool = True) -> None:
    assert all(len(secret) >= 8 for secret in secrets), "a short secret would prove nothing"
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"a secret leaked into: {text[:300]}"
    if echoed:
        # The echoed headers did reach the outputs, masked: the check above was put to the test.
        assert any("Bearer ***" in text for text in texts)


async def _exercise(client: Client, wire: FaultTransport, sandbox: Sandbox, sinks: Sinks) -> None:
    """Successes, a confirmed delete, bad input, echoing servers and transport errors, directly and via the catalog."""
    listed = sinks.keep(await client.call_tool("list_invoices", {"limit": 2}))
    assert not listed.is_error, text_of(listed)
    invoice = str(structured(listed)["items"][0]["id"])
    sinks.keep(await client.call_tool("get_invoice", {"id": invoice}))
    sinks.keep(await client.call_tool("get_invoice", {"id": {"not": "an id"}}))

    note = structured(sinks.keep(await client.call_tool("list_client_notes", {"limit": 1})))["items"][0]["id"]
    preview = structured(sinks.keep(await client.call_tool("delete_client_note", {"id": note})))
    done = sinks.keep(
        await client.call_tool("delete_client_note", {"id": note, "confirmation_token": preview["confirmation_token"]})
    )
    assert not done.is_error, text_of(done)

    wire.inject(EchoRequest(400), on("GET", f"/invoices/{invoice}"))
    echoed = sinks.keep(await client.call_tool("get_invoice", {"id": invoice}))
    assert echoed.is_error
    wire.inject(EchoRequest(500), on("POST", "/client-notes"))
    employee = sandbox.store.all("employees")[0]["id"]
    client_id = sandbox.store.all("clients")[0]["id"]
    arguments = {"client": str(client_id), "employee": str(employee), "note": "secret check"}
    assert sinks.keep(await client.call_tool("create_client_note", arguments)).is_error
    wire.inject(EchoRequest(422), on("PATCH", f"/clients/{client_id}"))
    assert sinks.keep(await client.call_tool("update_client", {"id": str(client_id), "dueDays": 30})).is_error
    wire.inject(RaiseEchoing(), on("GET", f"/invoices/{invoice}"), times=None)
    assert sinks.keep(await client.call_tool("get_invoice", {"id": invoice})).is_error
    via_catalog = await client.call_tool("execute_tool", {"name": "get_invoice", "arguments": {"id": invoice}})
    assert sinks.keep(via_catalog).is_error
    wire.clear()

    resource = await client.read_resource(f"flowtly://clients/{client_id}")
    sinks.texts += [part.text for part in resource.contents if isinstance(part, TextResourceContents)]


@pytest.mark.parametrize("mode", MODES)
async def test_api_token_and_confirmation_secret_never_leak(
    mode: str,
    sandbox: Sandbox,
    wire: FaultTransport,
    make_server: ServerFactory,
    server_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = make_server(FLOWTLY_CONFIRM_SECRET=CONFIRM_SECRET)
    sinks = Sinks()
    async with Client(server, mode=mode) as client:
        await _exercise(client, wire, sandbox, sinks)
    assert wire.authorizations == {TOKEN}, "the token did go out, on every request"
    audit = [path.read_text() for path in server_dir.glob("*.jsonl")]
    assert audit and any("delete_client_note" in text for text in audit), "the audit log was written"
    _assert_nowhere({TOKEN, CONFIRM_SECRET}, sinks.texts + audit + _log_texts(caplog.records))


@pytest.mark.parametrize("mode", MODES)
async def test_password_and_login_tokens_never_leak(
    mode: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sandbox = seeded_sandbox(users={USER: PASSWORD})
    wire = FaultTransport(httpx2.ASGITransport(app=sandbox.app))
    env = {"FLOWTLY_API_TOKEN": "", "FLOWTLY_USERNAME": USER, "FLOWTLY_PASSWORD": PASSWORD}
    settings = server_settings(tmp_path, {**env, "FLOWTLY_CONFIRM_SECRET": CONFIRM_SECRET})
    sinks = Sinks()
    async with Client(build_server(settings, transport=wire), mode=mode) as client:
        await _exercise(client, wire, sandbox, sinks)
    login_tokens = wire.authorizations
    assert login_tokens and TOKEN not in login_tokens, "requests carried tokens from a login"
    audit = [path.read_text() for path in tmp_path.glob("*.jsonl")]
    _assert_nowhere({PASSWORD, CONFIRM_SECRET, *login_tokens}, sinks.texts + audit + _log_texts(caplog.records))


@pytest.mark.parametrize("mode", MODES)
async def test_refused_credentials_are_not_repeated_back(
    mode: str, sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = server_settings(tmp_path, {"FLOWTLY_API_TOKEN": WRONG_TOKEN})
    transport = httpx2.ASGITransport(app=sandbox.app)
    async with Client(build_server(settings, transport=transport), mode=mode) as client:
        refused = await client.call_tool("list_invoices", {"limit": 1})
    text = text_of(refused)
    assert refused.is_error and "FLOWTLY_API_TOKEN" in text, text
    _assert_nowhere({WRONG_TOKEN}, [text, *_log_texts(caplog.records)], echoed=False)


def test_settings_and_clients_do_not_print_their_secrets(tmp_path: Path) -> None:
    settings = server_settings(
        tmp_path,
        {"FLOWTLY_USERNAME": USER, "FLOWTLY_PASSWORD": PASSWORD, "FLOWTLY_CONFIRM_SECRET": CONFIRM_SECRET},
    )
    shown = [repr(settings), str(settings), repr(settings.api), settings.model_dump_json()]
    _assert_nowhere({TOKEN, PASSWORD, CONFIRM_SECRET}, shown, echoed=False)
