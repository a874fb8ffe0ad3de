"""Username and password login: one shared login, one transparent re-login when the JWT expires, never more."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from flowtly_mcp.api import ApiSettings, FlowtlyClient, errors

from .conftest import PASSWORD, USERNAME, SleepRecorder, make_sandbox, settings
from .transports import Fault, FaultyTransport, on

pytestmark = pytest.mark.anyio

EXPIRED = b'{"code":401,"message":"Expired JWT Token"}'


def login_settings(**overrides: Any) -> ApiSettings:
    return settings(token=None, username=USERNAME, password=PASSWORD, **overrides)


async def test_login_then_bearer_jwt(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api:
        assert (await api.get("/clients/3"))["id"] == 3
        assert (await api.get("/clients/4"))["id"] == 4
    login = wire.seen[0]
    assert (login.method, login.url.path) == ("POST", "/login")
    assert login.headers["content-type"] == "application/json"
    assert "authorization" not in login.headers
    assert wire.count("POST", "/login") == 1
    bearer = wire.seen[1].headers["authorization"]
    assert bearer.startswith("Bearer ") and bearer.count(".") == 2  # a JWT, not the password
    assert wire.seen[2].headers["authorization"] == bearer


async def test_the_login_path_follows_the_prefix(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(login_settings(path_prefix="/api"), wire, sleep=sleeps) as api:
        await api.get("/clients/3")
    assert wire.seen[0].url.path == "/api/login"


async def test_concurrent_first_requests_share_one_login(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api, anyio.create_task_group() as group:
        for number in range(1, 9):
            group.start_soon(api.get, f"/clients/{number}")
    assert wire.count("POST", "/login") == 1
    assert wire.count("GET") == 8


async def test_an_expired_token_is_renewed_once_transparently(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    wire.add(Fault(on("GET", "/clients/3"), status=401, body=EXPIRED, headers={"www-authenticate": "Bearer"}))
    async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api:
        record = await api.get("/clients/3")
    assert record["id"] == 3
    assert wire.count("POST", "/login") == 2
    assert wire.count("GET", "/clients/3") == 2
    assert sleeps.waits == []


async def test_concurrent_requests_hit_by_expiry_share_one_renewal(
    wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api:
        await api.get("/clients/1")
        wire.add(Fault(on("GET"), status=401, body=EXPIRED, times=4))
        async with anyio.create_task_group() as group:
            for number in range(2, 6):
                group.start_soon(api.get, f"/clients/{number}")
    assert wire.count("POST", "/login") == 2


async def test_a_write_refused_for_an_expired_token_is_sent_again_after_login(
    wire: FaultyTransport, sleeps: SleepRecorder
) -> None:
    wire.add(Fault(on("PATCH"), status=401, body=EXPIRED))
    async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api:
        updated = await api.patch("/clients/3", {"dueDays": 30})
    assert updated["dueDays"] == 30
    assert wire.count("PATCH") == 2  # the first never passed authentication, so nothing was applied
    assert len(wire.reached_server) == wire.count("POST", "/login") + 1


async def test_only_one_renewal_per_request(sleeps: SleepRecorder) -> None:
    box = make_sandbox(jwt_ttl_seconds=0)  # every token the sandbox issues is already expired
    try:
        wire = FaultyTransport(httpx2.ASGITransport(app=box.app))
        async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api:
            with pytest.raises(errors.AuthenticationError) as caught:
                await api.get("/clients/3")
    finally:
        box.close()
    assert caught.value.message == "Expired JWT Token. Check FLOWTLY_USERNAME and FLOWTLY_PASSWORD."
    assert wire.count("POST", "/login") == 2
    assert wire.count("GET") == 2


async def test_a_refused_login(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(
        settings(token=None, username=USERNAME, password="wrong-password-123"), wire, sleep=sleeps
    ) as api:
        with pytest.raises(errors.AuthenticationError) as caught:
            await api.get("/clients/3")
    assert caught.value.message == "login failed: Invalid credentials. Check FLOWTLY_USERNAME and FLOWTLY_PASSWORD."
    assert caught.value.path == "/login"
    assert wire.count("GET") == 0


async def test_a_login_answer_without_a_token(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    wire.add(
        Fault(
            on("POST", "/login"),
            status=200,
            body=b'{"refresh_token":"r"}',
            headers={"content-type": "application/json"},
        )
    )
    async with FlowtlyClient(login_settings(), wire, sleep=sleeps) as api:
        with pytest.raises(errors.UnreadableResponse, match="carries no token; check FLOWTLY_LOGIN_PATH"):
            await api.get("/clients/3")
