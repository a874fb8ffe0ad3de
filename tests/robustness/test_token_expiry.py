"""A JWT that expires in the middle of a run: the server logs in again once and carries on, writing nothing twice.

The sandbox issues tokens that live two seconds; the test waits for them to lapse (a wait, not a timed assertion).
"""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server

from .conftest import MODES, seeded_sandbox, server_settings, structured, text_of

pytestmark = pytest.mark.anyio

USER = "finance"
PASSWORD = "correct horse battery staple 42"
# Expiry is stamped in whole seconds, so a token lives between TTL-1 and TTL seconds: 2 leaves every call a second.
TTL_SECONDS = 2
LAPSE = TTL_SECONDS + 0.2


def _entries(sandbox: Sandbox, method: str, path: str) -> list[int]:
    return [status for m, p, _, status in sandbox.request_log if m == method and p == path]


@pytest.mark.parametrize("mode", MODES)
async def test_expired_token_is_renewed_once_and_no_write_is_repeated(mode: str, tmp_path: Path) -> None:
    sandbox = seeded_sandbox(users={USER: PASSWORD}, jwt_ttl_seconds=TTL_SECONDS)
    settings = server_settings(
        tmp_path, {"FLOWTLY_API_TOKEN": "", "FLOWTLY_USERNAME": USER, "FLOWTLY_PASSWORD": PASSWORD}
    )
    assert settings.api.auth_mode == "login"
    server = build_server(settings, transport=httpx2.ASGITransport(app=sandbox.app))
    client_id = sandbox.store.all("clients")[0]["id"]
    employee_id = sandbox.store.all("employees")[0]["id"]
    notes_before = sandbox.store.count("client-notes")
    # The sandbox's first listing builds its views; done here, no call below comes near a token's lifetime.
    sandbox.world.views("invoices")

    async with Client(server, mode=mode) as client:
        first = await client.call_tool("list_invoices", {"limit": 3})
        assert not first.is_error, text_of(first)
        assert _entries(sandbox, "POST", "/login") == [200]

        await anyio.sleep(LAPSE)
        read = await client.call_tool("get_client", {"id": str(client_id)})
        assert not read.is_error, text_of(read)
        assert structured(read)["item"]["id"] == client_id
        assert _entries(sandbox, "POST", "/login") == [200, 200], "one new login after the token lapsed"
        assert 401 in _entries(sandbox, "GET", f"/clients/{client_id}")

        await anyio.sleep(LAPSE)
        note = {"client": str(client_id), "employee": str(employee_id), "note": "written after the token lapsed"}
        written = await client.call_tool("create_client_note", note)
        assert not written.is_error, text_of(written)
        # The first attempt was refused before anything was stored; the one after the new login stored the note.
        assert _entries(sandbox, "POST", "/client-notes") == [401, 201]
        assert sandbox.store.count("client-notes") == notes_before + 1
        assert len(_entries(sandbox, "POST", "/login")) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_wrong_password_is_an_actionable_error(mode: str, tmp_path: Path) -> None:
    sandbox = seeded_sandbox(users={USER: PASSWORD})
    wrong = "not-the-password-9f3b"
    settings = server_settings(tmp_path, {"FLOWTLY_API_TOKEN": "", "FLOWTLY_USERNAME": USER, "FLOWTLY_PASSWORD": wrong})
    async with Client(build_server(settings, transport=httpx2.ASGITransport(app=sandbox.app)), mode=mode) as client:
        result = await client.call_tool("list_invoices", {"limit": 1})
        text = text_of(result)
        assert result.is_error
        assert "FLOWTLY_USERNAME" in text and "FLOWTLY_PASSWORD" in text
        assert wrong not in text
        assert _entries(sandbox, "GET", "/invoices") == [], "no request goes out without a token"
