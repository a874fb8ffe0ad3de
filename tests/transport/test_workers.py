"""Several workers serve one client: stateless HTTP, and confirmation tokens signed with a shared secret.

Processes, as in production: the sandbox served on its own (standing in for Flowtly), MCP servers in front of it,
and either a round-robin proxy of our own or uvicorn's --workers sharing one port.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.api.errors import NotFound

from ..prompts_resources.ledger import TOKEN
from .conftest import CLIENT_TOKEN, MODES
from .servers import (
    FLOWTLY_MCP,
    STARTUP_LIMIT,
    Process,
    RoundRobinProxy,
    base_env,
    free_port,
    ledger_sandbox,
    running,
    serving,
)

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SECRET = "shared-confirmation-secret-0d5c7f2b9a4e4c1b8e6f"


@pytest.fixture(scope="module")
def flowtly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sandbox as a separate HTTP service: what every worker and replica talks to."""
    with ledger_sandbox(tmp_path_factory.mktemp("flowtly")) as url:
        yield url


def backend_env(flowtly: str, **extra: str) -> dict[str, str]:
    return base_env(
        FLOWTLY_BASE_URL=flowtly,
        FLOWTLY_API_TOKEN=TOKEN,
        FLOWTLY_HTTP_TOKENS=CLIENT_TOKEN,
        FLOWTLY_TOOLSETS="all",
        # Signed tokens across workers are what these tests check (docs/approvals.md: agent tokens).
        FLOWTLY_CONFIRM="agent",
        **extra,
    )


def start_backends(flowtly: str, folder: Path, count: int, **extra: str) -> list[tuple[Process, str]]:
    backends = []
    try:
        for number in range(count):
            port = free_port()
            argv = [FLOWTLY_MCP, "--transport", "http", "--port", str(port)]
            process = Process(argv, backend_env(flowtly, **extra), folder / f"backend-{number}.log")
            backends.append((process, f"http://127.0.0.1:{port}"))
        for process, url in backends:
            process.wait_until_up(f"{url}/healthz")
    except BaseException:
        for process, _ in backends:
            process.stop()
        raise
    return backends


@pytest.fixture(scope="module")
def replicas(flowtly: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two MCP servers that share FLOWTLY_CONFIRM_SECRET."""
    backends = start_backends(flowtly, tmp_path_factory.mktemp("replicas"), 2, FLOWTLY_CONFIRM_SECRET=SECRET)
    yield [url for _, url in backends]
    for process, _ in backends:
        process.stop()


@pytest.fixture(scope="module")
def strangers(flowtly: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two MCP servers without a shared secret: each signs with its own random key."""
    backends = start_backends(flowtly, tmp_path_factory.mktemp("strangers"), 2)
    yield [url for _, url in backends]
    for process, _ in backends:
        process.stop()


@pytest.fixture
async def api(flowtly: str) -> AsyncIterator[FlowtlyClient]:
    async with FlowtlyClient(ApiSettings(base_url=flowtly, token=TOKEN)) as client:
        yield client


async def new_contact(api: FlowtlyClient) -> int:
    created = await api.create(
        "/client-contacts", {"client": "/api/clients/1", "type": "primary", "name": "Temp", "email": "t@acme.example"}
    )
    return int(created["id"])


async def exists(api: FlowtlyClient, contact: int) -> bool:
    try:
        await api.get(f"/client-contacts/{contact}")
    except NotFound:
        return False
    return True


def client_for(url: str, mode: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {CLIENT_TOKEN}"}, timeout=120.0)
    return Client(streamable_http_client(f"{url}/mcp", http_client=http), mode=mode)


async def two_step_delete(client: Client, contact: int) -> tuple[dict[str, Any], dict[str, Any]]:
    preview = await client.call_tool("delete_client_contact", {"id": contact})
    assert preview.structured_content is not None, preview.content
    token = preview.structured_content["confirmation_token"]
    assert token
    second = await client.call_tool("delete_client_contact", {"id": contact, "confirmation_token": token})
    first_content = preview.structured_content
    second_content = second.structured_content or {"is_error": second.is_error, "content": second.content}
    return first_content, second_content


@pytest.mark.parametrize("mode", MODES)
async def test_a_token_from_one_replica_is_honoured_by_the_other(
    replicas: list[str], api: FlowtlyClient, mode: str
) -> None:
    contact = await new_contact(api)
    proxy = RoundRobinProxy(replicas)
    async with serving(proxy) as url, client_for(url, mode) as client:
        assert len((await client.list_tools()).tools) > 100
        read = await client.call_tool("get_invoice", {"id": 10})
        preview, done = await two_step_delete(client, contact)
    assert read.structured_content is not None
    assert preview["status"] == "confirmation_required"
    assert done["status"] == "done"
    assert sorted(proxy.backends_of("delete_client_contact")) == [0, 1]  # previewed by one, confirmed by the other
    assert not await exists(api, contact)


async def test_without_a_shared_secret_the_other_replica_refuses_the_token(
    strangers: list[str], api: FlowtlyClient
) -> None:
    contact = await new_contact(api)
    proxy = RoundRobinProxy(strangers)
    async with serving(proxy) as url, client_for(url, "legacy") as client:
        preview, refused = await two_step_delete(client, contact)
    assert preview["status"] == "confirmation_required"
    assert refused["is_error"] is True
    assert "not valid" in str(refused["content"])
    assert sorted(proxy.backends_of("delete_client_contact")) == [0, 1]
    assert await exists(api, contact)


def wait_for_output(process: Process, text: str, count: int = 1) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while process.output().count(text) < count:
        if process.popen.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{text!r} did not appear {count} times:\n{process.output()}")
        time.sleep(0.1)


@pytest.mark.parametrize(
    "launcher",
    [
        pytest.param(
            [sys.executable, "-m", "uvicorn", "--factory", "flowtly_mcp.transport.http:create_app"], id="uvicorn"
        ),
        pytest.param([FLOWTLY_MCP, "--log-level", "info", "--transport", "http"], id="flowtly-mcp"),
    ],
)
async def test_n_workers_on_one_port(flowtly: str, api: FlowtlyClient, tmp_path: Path, launcher: list[str]) -> None:
    port = free_port()
    argv = [*launcher, "--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    if "uvicorn" in launcher:
        argv += ["--log-level", "info"]
    url = f"http://127.0.0.1:{port}"
    env = backend_env(flowtly, FLOWTLY_CONFIRM_SECRET=SECRET)
    with running(argv, env, tmp_path / "workers.log", f"{url}/healthz") as process:
        # uvicorn logs this once per worker that built the app.
        wait_for_output(process, "Application startup complete", count=2)
        for mode in MODES:
            contact = await new_contact(api)
            # A fresh connection per call gives the kernel every chance to hand calls to different workers.
            async with client_for(url, mode) as client:
                preview = await client.call_tool("delete_client_contact", {"id": contact})
            assert preview.structured_content is not None
            token = preview.structured_content["confirmation_token"]
            async with client_for(url, mode) as client:
                done = await client.call_tool("delete_client_contact", {"id": contact, "confirmation_token": token})
            assert done.structured_content is not None
            assert done.structured_content["status"] == "done"
            assert not await exists(api, contact)


def test_uvicorn_workers_without_a_shared_secret_refuse_to_build_the_app(flowtly: str, tmp_path: Path) -> None:
    # Nothing tells the factory how many workers there are; it notices it was spawned by a supervisor.
    argv = [sys.executable, "-m", "uvicorn", "--factory", "flowtly_mcp.transport.http:create_app", "--workers", "2"]
    process = Process([*argv, "--port", str(free_port())], backend_env(flowtly), tmp_path / "workers.log")
    try:
        wait_for_output(process, "several workers need a shared FLOWTLY_CONFIRM_SECRET", count=2)
        assert "Application startup complete" not in process.output()
    finally:
        process.stop()
