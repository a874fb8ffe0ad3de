"""Bearer authentication: the configured token, JWTs from /login, and LexikJWT's 401 answers."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx2
import pytest

from flowtly_mcp.sandbox import Sandbox
from tests.sandbox.conftest import TOKEN, client_for, make_sandbox

pytestmark = pytest.mark.anyio


def assert_lexik(response: httpx2.Response, message: str) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"code": 401, "message": message}


async def test_missing_token(sandbox: Sandbox) -> None:
    async with client_for(sandbox, auth=False) as client:
        assert_lexik(await client.get("/api/invoices"), "JWT Token not found")
        assert_lexik(await client.get("/api/invoices", headers={"Authorization": "Basic abc"}), "JWT Token not found")


async def test_wrong_token(sandbox: Sandbox) -> None:
    async with client_for(sandbox, auth=False) as client:
        response = await client.get("/api/invoices", headers={"Authorization": "Bearer not-the-token"})
    assert_lexik(response, "Invalid JWT Token")


async def test_configured_token_works_on_both_prefixes(sandbox: Sandbox) -> None:
    async with client_for(sandbox, auth=False) as client:
        for path in ("/api/clients/1", "/clients/1"):
            response = await client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
            assert response.status_code == 200


@pytest.mark.parametrize("path", ["/login", "/api/login"])
async def test_login_issues_a_signed_jwt(sandbox: Sandbox, path: str) -> None:
    async with client_for(sandbox, auth=False) as client:
        response = await client.post(path, json={"username": "demo", "password": "demo"})
        assert response.status_code == 200
        token = response.json()["token"]
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert claims["username"] == "demo"
        assert claims["exp"] - claims["iat"] == 3600
        assert json.loads(base64.urlsafe_b64decode(header + "==="))["alg"] == "HS256"
        ok = await client.get("/api/invoices/1", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        forged = f"{header}.{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
        assert_lexik(
            await client.get("/api/invoices/1", headers={"Authorization": f"Bearer {forged}"}), "Invalid JWT Token"
        )


async def test_bad_credentials(sandbox: Sandbox) -> None:
    async with client_for(sandbox, auth=False) as client:
        assert_lexik(await client.post("/login", json={"username": "demo", "password": "nope"}), "Invalid credentials.")
        assert_lexik(await client.post("/login", json={"username": "eve", "password": "demo"}), "Invalid credentials.")
        missing = await client.post("/login", json={"username": "demo"})
        assert missing.status_code == 400
        assert missing.json()["detail"] == 'The key "password" must be provided.'


async def test_expired_token() -> None:
    box = make_sandbox(jwt_ttl_seconds=0)
    async with client_for(box, auth=False) as client:
        token = (await client.post("/login", json={"username": "demo", "password": "demo"})).json()["token"]
        response = await client.get("/api/invoices", headers={"Authorization": f"Bearer {token}"})
    assert_lexik(response, "Expired JWT Token")


async def test_tokens_survive_a_restart_on_the_same_database(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    first = make_sandbox(db_path=db)
    async with client_for(first, auth=False) as client:
        token = (await client.post("/login", json={"username": "demo", "password": "demo"})).json()["token"]
    first.close()
    second = make_sandbox(db_path=db)
    async with client_for(second, auth=False) as client:
        response = await client.get("/api/invoices/1", headers={"Authorization": f"Bearer {token}"})
    second.close()
    assert response.status_code == 200


async def test_docs_need_no_token_and_the_log_holds_no_secret(sandbox: Sandbox) -> None:
    async with client_for(sandbox, auth=False) as client:
        docs = await client.get("/docs.json")
        await client.get("/api/docs.json")
        await client.post("/login", json={"username": "demo", "password": "demo"})
        await client.get("/api/invoices", headers={"Authorization": f"Bearer {TOKEN}"})
    assert docs.status_code == 200
    assert docs.json()["openapi"].startswith("3.1")
    assert [entry[3] for entry in sandbox.request_log] == [200, 200, 200, 200]
    assert sandbox.request_log[0] == ("GET", "/docs.json", "", 200)
    assert TOKEN not in repr(sandbox.request_log)
