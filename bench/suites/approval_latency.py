"""What an approval adds: one guarded delete through each approval channel, with the SQLite and the Redis store.

Each round deletes a fresh client contact through the in-memory MCP client against an in-process sandbox; the time
covers every MCP call and store round trip of the flow (asking, the person's decision, checking back, executing),
but not a person's reading time: the decision is made the instant it is asked for. The baseline is the same delete
with `FLOWTLY_CONFIRM=off` in the same run. Channels: pending approval decided through the service (what
`flowtly-mcp approvals approve` does, without its process start-up) then `check_approval`; the MCP Apps view (the
app-only `approval_decide` with the secret from `_meta`, then `check_approval`); form elicitation; URL elicitation
to the loopback page (GET the page, POST the form); the agent's two-step token; a FLOWTLY_POLICY rule.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.extension import advertise
from mcp.client.session import ClientSession
from mcp.types import ClientCapabilities, ElicitationCapability, ElicitRequestParams, ElicitResult

from bench.model import Figure, SectionResult, Table
from bench.stats import median
from flowtly_mcp.approvals import ApprovalService, store_from_url
from flowtly_mcp.approvals.app_view import APPROVAL_META_KEY, DECIDE_TOOL
from flowtly_mcp.apps.mcp_apps import MCP_APP_MIME_TYPE, UI_EXTENSION
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server

ROUNDS = 12
TOOL = "delete_client_contact"
ANCHOR = dt.date(2026, 11, 16)
Flow = Callable[[Any, int], Awaitable[None]]


class Bench:
    def __init__(self, state_url: str, folder: Path) -> None:
        self.sandbox = Sandbox(SandboxConfig(today=ANCHOR))
        self.state_url = state_url
        self.folder = folder
        self.template = dict(self.sandbox.store.all("client-contacts")[0])
        self.next_id = 900_000

    def contact(self) -> int:
        self.next_id += 1
        self.sandbox.store.insert("client-contacts", {**self.template, "id": self.next_id})
        return self.next_id

    def server(self, **env: str) -> Any:
        values = {
            "FLOWTLY_BASE_URL": "http://sandbox.test",
            "FLOWTLY_API_TOKEN": self.sandbox.config.token,
            "FLOWTLY_TOOLSETS": "all",
            "FLOWTLY_STATE_URL": self.state_url,
            **env,
        }
        settings = ServerSettings.from_env(values)
        return build_server(settings, transport=httpx2.ASGITransport(app=self.sandbox.app))

    def decide(self, approval_id: str) -> None:
        store = store_from_url(self.state_url)
        try:
            ApprovalService(store).decide(approval_id, "approve", by="bench-person")
        finally:
            store.close()


def _done(result: Any) -> None:
    if result.is_error or (result.structured_content or {}).get("status") != "done":
        raise RuntimeError(f"the call did not run: {result.content}")


async def _timed(client: Client, bench: Bench, flow: Callable[[Client, int], Awaitable[None]]) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        contact = bench.contact()
        start = time.perf_counter()
        await flow(client, contact)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def _measure(bench: Bench) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}

    async def direct(client: Client, contact: int) -> None:
        _done(await client.call_tool(TOOL, {"id": contact}))

    async with Client(bench.server(FLOWTLY_CONFIRM="off")) as client:
        out["unguarded (FLOWTLY_CONFIRM=off)"] = await _timed(client, bench, direct)

    async def pending(client: Client, contact: int) -> None:
        asked = await client.call_tool(TOOL, {"id": contact})
        approval_id = (asked.structured_content or {})["approval_id"]
        await anyio.to_thread.run_sync(bench.decide, approval_id)
        _done(await client.call_tool("check_approval", {"approval_id": approval_id}))

    auto = bench.server()
    async with Client(auto) as client:
        out["pending approval + approvals CLI's decision"] = await _timed(client, bench, pending)

    async def view(client: Client, contact: int) -> None:
        asked = await client.call_tool(TOOL, {"id": contact})
        secret = (asked.meta or {})[APPROVAL_META_KEY]
        arguments = {"approval_id": secret["id"], "secret": secret["secret"], "decision": "approve"}
        decided = await client.call_tool(DECIDE_TOOL, arguments)
        if decided.is_error:
            raise RuntimeError(str(decided.content))
        _done(await client.call_tool("check_approval", {"approval_id": secret["id"]}))

    ui = [advertise(UI_EXTENSION, {"mimeTypes": [MCP_APP_MIME_TYPE]})]
    async with Client(auto, extensions=ui) as client:
        out["MCP Apps view"] = await _timed(client, bench, view)

    async def accept(_context: Any, _params: ElicitRequestParams) -> ElicitResult:
        return ElicitResult(action="accept", content={"confirm": True})

    async with Client(auto, mode="legacy", elicitation_callback=accept) as client:
        out["form elicitation"] = await _timed(client, bench, direct)

    async def on_page(_context: Any, params: ElicitRequestParams) -> ElicitResult:
        url = str(getattr(params, "url", ""))
        origin = re.match(r"http://[^/]+", url)
        assert origin is not None
        async with httpx2.AsyncClient() as browser:
            shown = await browser.get(url)
            csrf = re.search(r'name="csrf" value="([^"]+)"', shown.text)
            assert csrf is not None
            await browser.post(
                url, data={"csrf": csrf.group(1), "decision": "approve"}, headers={"Origin": origin.group(0)}
            )
        return ElicitResult(action="accept")

    original = ClientSession._build_capabilities

    def url_only(self: ClientSession, version: str) -> ClientCapabilities:
        built = original(self, version)
        if built.elicitation is None:
            return built
        return built.model_copy(update={"elicitation": ElicitationCapability.model_validate({"url": {}})})

    # A host that supports URL-mode elicitation only: the server sends the person to its loopback page.
    ClientSession._build_capabilities = url_only  # type: ignore[method-assign]
    try:
        async with Client(auto, mode="legacy", elicitation_callback=on_page) as client:
            out["URL elicitation (loopback page)"] = await _timed(client, bench, direct)
    finally:
        ClientSession._build_capabilities = original  # type: ignore[method-assign]

    async def token(client: Client, contact: int) -> None:
        preview = await client.call_tool(TOOL, {"id": contact})
        confirmation = (preview.structured_content or {})["confirmation_token"]
        _done(await client.call_tool(TOOL, {"id": contact, "confirmation_token": confirmation}))

    async with Client(bench.server(FLOWTLY_CONFIRM="agent")) as client:
        out["agent token (not a human check)"] = await _timed(client, bench, token)

    policy = bench.folder / "policy.toml"
    policy.write_text(f"[allow.{TOOL}]\nmax_count_per_day = 100000\n")
    async with Client(bench.server(FLOWTLY_POLICY=str(policy))) as client:
        out["FLOWTLY_POLICY rule"] = await _timed(client, bench, direct)
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _redis(folder: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = _free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*argv, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.terminate()
    return None


def run() -> SectionResult:
    result = SectionResult("approval_latency", "Approval latency per channel")
    folder = Path(tempfile.mkdtemp(prefix="flowtly-bench-approvals-"))
    stores: list[tuple[str, str]] = [("SQLite", f"sqlite:///{folder / 'state.sqlite3'}")]
    redis = _redis(folder)
    if redis is not None:
        stores.append(("Redis", redis[1]))
    else:
        result.notes.append("redis-server is not installed: the Redis store was not measured.")
    rows: list[list[str]] = []
    try:
        for store_name, url in stores:
            times = anyio.run(_measure, Bench(url, folder))
            base = median(times["unguarded (FLOWTLY_CONFIRM=off)"])
            for channel, values in times.items():
                mid = median(values)
                rows.append(
                    [
                        store_name,
                        channel,
                        f"{min(values):.1f}",
                        f"{mid:.1f}",
                        f"{max(values):.1f}",
                        f"{mid - base:+.1f}",
                        f"{mid / base:.2f}x",
                    ]
                )
                if channel.startswith("pending"):
                    result.add(
                        Figure(
                            f"approval_latency.pending.{store_name.lower()}",
                            f"Pending approval, decided and checked back ({store_name}), median",
                            round(mid, 1),
                            "ms",
                            baseline=f"the same delete unguarded: {base:.1f} ms",
                            note=f"{mid / base:.2f}x; {ROUNDS} rounds",
                        )
                    )
    finally:
        if redis is not None:
            redis[0].terminate()
            redis[0].wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    result.tables.append(
        Table(
            f"One guarded delete per channel, {ROUNDS} rounds each (ms; ratio vs the unguarded delete of the same run)",
            ["store", "channel", "min", "median", "max", "added (median)", "ratio"],
            rows,
        )
    )
    result.notes.append(
        "Times cover every MCP call and store round trip of the flow; a person's reading time is not included. "
        "The CLI's decision is made in process (the `flowtly-mcp approvals` process start-up is not counted)."
    )
    return result
