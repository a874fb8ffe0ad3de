"""Acceptance: approved calls run at most once across processes.

The documented deployment (`flowtly-mcp --transport http --workers 4`), and two server processes on different ports
sharing Redis: 20 approvals, each replayed 8 times in parallel on fresh connections, give exactly 20 executions —
counted by the sandbox's state (the records are gone) and by the audit lines all processes append to.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.api.errors import NotFound
from flowtly_mcp.approvals import ApprovalService, store_from_url

from ..prompts_resources.ledger import TOKEN
from ..transport.servers import FLOWTLY_MCP, Process, base_env, free_port, ledger_sandbox, running
from .redis_server import RedisServer

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CLIENT_TOKEN = "replay-client-token-3f9a0c1e7b2d4a6f"
APPROVALS = 20
REPLAYS = 8
TOOL = "delete_client_contact"


@pytest.fixture(scope="module")
def flowtly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with ledger_sandbox(tmp_path_factory.mktemp("flowtly")) as url:
        yield url


@pytest.fixture
async def api(flowtly: str) -> AsyncIterator[FlowtlyClient]:
    async with FlowtlyClient(ApiSettings(base_url=flowtly, token=TOKEN)) as client:
        yield client


def server_env(flowtly: str, state_url: str, audit: Path) -> dict[str, str]:
    return base_env(
        FLOWTLY_BASE_URL=flowtly,
        FLOWTLY_API_TOKEN=TOKEN,
        FLOWTLY_HTTP_TOKENS=CLIENT_TOKEN,
        FLOWTLY_TOOLSETS="all",
        FLOWTLY_STATE_URL=state_url,
        FLOWTLY_AUDIT_LOG=str(audit),
    )


def client_for(url: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {CLIENT_TOKEN}"}, timeout=120.0)
    return Client(streamable_http_client(f"{url}/mcp", http_client=http))


async def call(url: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One call on a fresh connection: the kernel is free to hand it to any worker."""
    async with client_for(url) as client:
        result = await client.call_tool(tool, arguments)
    return {"error": result.is_error, **(result.structured_content or {})}


async def new_contact(api: FlowtlyClient, number: int) -> int:
    created = await api.create(
        "/client-contacts",
        {"client": "/api/clients/1", "type": "primary", "name": f"Replay {number}", "email": f"r{number}@acme.example"},
    )
    return int(created["id"])


async def exists(api: FlowtlyClient, contact: int) -> bool:
    try:
        await api.get(f"/client-contacts/{contact}")
    except NotFound:
        return False
    return True


def audit_outcomes(audit: Path) -> list[str]:
    lines = [json.loads(line) for line in audit.read_text().splitlines() if line.strip()]
    return [line["outcome"] for line in lines if line["tool"] == TOOL]


async def replay_approvals(urls: list[str], state_url: str, audit: Path, api: FlowtlyClient) -> None:
    contacts = [await new_contact(api, number) for number in range(APPROVALS)]
    approval_ids = []
    for number, contact in enumerate(contacts):
        asked = await call(urls[number % len(urls)], TOOL, {"id": contact})
        assert asked["status"] == "approval_required", asked
        approval_ids.append(asked["approval_id"])
    # A person approves every one (the same store the servers use).
    store = store_from_url(state_url)
    try:
        service = ApprovalService(store)
        for approval_id in approval_ids:
            service.decide(approval_id, "approve", by="test-person")
    finally:
        store.close()

    outcomes: list[dict[str, Any]] = []

    async def replay(url: str, approval_id: str) -> None:
        outcomes.append(await call(url, "check_approval", {"approval_id": approval_id}))

    for approval_id in approval_ids:
        async with anyio.create_task_group() as group:
            for attempt in range(REPLAYS):
                group.start_soon(replay, urls[attempt % len(urls)], approval_id)

    done = [outcome for outcome in outcomes if outcome.get("status") == "done"]
    assert len(done) == APPROVALS, outcomes
    assert len(outcomes) == APPROVALS * REPLAYS
    assert [await exists(api, contact) for contact in contacts] == [False] * APPROVALS
    recorded = audit_outcomes(audit)
    assert recorded.count("executed") == APPROVALS
    assert "failed" not in recorded  # a second DELETE of a gone record would have failed


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
async def test_four_workers_run_each_approval_once(
    kind: str, flowtly: str, api: FlowtlyClient, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    state_url = f"sqlite:///{tmp_path / 'state.sqlite3'}" if kind == "sqlite" else request.getfixturevalue("redis_url")
    audit = tmp_path / "audit.jsonl"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [FLOWTLY_MCP, "--transport", "http", "--workers", "4", "--host", "127.0.0.1", "--port", str(port)]
    with running(argv, server_env(flowtly, state_url, audit), tmp_path / "workers.log", f"{url}/healthz"):
        await replay_approvals([url], state_url, audit, api)


async def test_two_servers_on_different_ports_sharing_redis_run_each_approval_once(
    flowtly: str, api: FlowtlyClient, tmp_path: Path, redis_url: str
) -> None:
    audit = tmp_path / "audit.jsonl"
    processes: list[Process] = []
    urls = []
    try:
        for number in range(2):
            port = free_port()
            argv = [FLOWTLY_MCP, "--transport", "http", "--host", "127.0.0.1", "--port", str(port)]
            env = server_env(flowtly, redis_url, audit)
            processes.append(Process(argv, env, tmp_path / f"server-{number}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            process.wait_until_up(f"{url}/healthz")
        await replay_approvals(urls, redis_url, audit, api)
    finally:
        for process in processes:
            process.stop()
