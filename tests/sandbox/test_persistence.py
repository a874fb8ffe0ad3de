"""The standalone sandbox (a real uvicorn process) keeps what was written across a restart."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from flowtly_mcp.sandbox import default_db_path, reset_database

TOKEN = "persist-token"
STARTUP_LIMIT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def standalone(db: Path) -> Iterator[httpx2.Client]:
    """A sandbox server in a child process; always stopped, even when the test fails."""
    port = free_port()
    code = (
        "from pathlib import Path; from flowtly_mcp.sandbox import serve_sandbox; "
        f"serve_sandbox({port}, token={TOKEN!r}, db_path=Path({str(db)!r}))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = httpx2.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else "server exited"
            try:
                client.get("/docs.json")
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@pytest.mark.slow
def test_data_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    with standalone(db) as api:
        seeded = api.get("/api/clients").json()["hydra:totalItems"]
        created = api.post(
            "/api/clients",
            json={
                "name": "Persistent Sp. z o.o.",
                "country": "PL",
                "currency": "/api/currencies/PLN",
                "status": "active",
                "tinType": "NIP",
                "tin": "8567346215",
            },
        )
        assert created.status_code == 201
        iri = created.json()["@id"]
        token = api.post("/login", json={"username": "demo", "password": "demo"}).json()["token"]
    assert db.exists()
    with standalone(db) as api:
        again = api.get(iri)
        assert again.status_code == 200
        assert again.json()["name"] == "Persistent Sp. z o.o."
        assert api.get("/api/clients").json()["hydra:totalItems"] == seeded + 1  # not reseeded
        login_token = api.get(iri, headers={"Authorization": f"Bearer {token}"})
        assert login_token.status_code == 200
    reset_database(db)
    assert not db.exists()


def test_default_database_lives_in_the_user_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "flowtly-mcp" / "sandbox.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_db_path() == tmp_path / ".local" / "share" / "flowtly-mcp" / "sandbox.sqlite3"
