"""Servers for the transport tests: uvicorn inside the test's event loop, or commands in subprocesses.

Everything is bounded (a server that does not come up fails the test with its log) and stopped afterwards, only
ever the processes started here, through the process group each was given.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path

import anyio
import httpx2
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from flowtly_mcp.sandbox import Sandbox, SandboxConfig

from ..prompts_resources.ledger import LEDGER, TODAY, TOKEN

STARTUP_LIMIT = 90.0  # seconds; generous because the machine is shared
ROOT = Path(__file__).resolve().parents[2]
FLOWTLY_MCP = str(Path(sys.executable).with_name("flowtly-mcp"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Run `app` under uvicorn on a free loopback port in this event loop; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve, [sock])
        with anyio.fail_after(STARTUP_LIMIT):
            while not server.started:
                await anyio.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
    sock.close()


class Process:
    """A command running in its own process group, with its output in a log file."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], log: Path) -> None:
        self.argv = list(argv)
        self.log_path = log
        self._log = log.open("wb")
        self.popen = subprocess.Popen(
            self.argv,
            env=dict(env),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_until_up(self, url: str) -> None:
        """Poll `url` until it answers at all; fail with the process's log if it exits or never answers."""
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.argv} exited with {self.popen.returncode}:\n{self.output()}")
            try:
                httpx2.get(url, timeout=2.0)
                return
            except httpx2.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"{self.argv} did not answer {url}:\n{self.output()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=20)
        self._log.close()


@contextlib.contextmanager
def ledger_sandbox(folder: Path) -> Iterator[str]:
    """The ledger sandbox as a separate HTTP service in its own process (what several workers share); yields its URL."""
    database = folder / "sandbox.sqlite3"
    Sandbox(SandboxConfig(db_path=database, dataset=LEDGER, today=TODAY)).close()
    port = free_port()
    argv = [FLOWTLY_MCP, "sandbox", "--port", str(port), "--db", str(database), "--token", TOKEN]
    url = f"http://127.0.0.1:{port}"
    with running(argv, base_env(), folder / "sandbox.log", f"{url}/clients"):
        yield url


@contextlib.contextmanager
def running(argv: Sequence[str], env: Mapping[str, str], log: Path, ready_url: str) -> Iterator[Process]:
    process = Process(argv, env, log)
    try:
        process.wait_until_up(ready_url)
        yield process
    finally:
        process.stop()


def base_env(**extra: str) -> dict[str, str]:
    """The test's environment without any FLOWTLY_* setting of the developer's, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLOWTLY_")}
    env.pop("WEB_CONCURRENCY", None)
    env.update(extra)
    return env


_HOP_BY_HOP = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding", "upgrade"}
)


class RoundRobinProxy:
    """A load balancer for tests: each JSON-RPC method's requests go to the backends in turn.

    Taking turns per method makes "two tools/call in a row land on different backends" certain rather than
    likely. Each answer is buffered whole, which suits stateless streamable HTTP (every stream ends with its
    request). `log` records (backend index, method, tool name) per request.
    """

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self.turns: dict[str, int] = defaultdict(int)
        self.log: list[tuple[int, str, str | None]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        request = Request(scope, receive)
        body = await request.body()
        method, tool = request.method, None
        if body:
            with contextlib.suppress(ValueError, AttributeError):
                message = json.loads(body)
                method = str(message.get("method", method))
                tool = (message.get("params") or {}).get("name") if method == "tools/call" else None
        index = self.turns[method] % len(self.backends)
        self.turns[method] += 1
        self.log.append((index, method, tool))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        url = (
            self.backends[index]
            + scope["path"]
            + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
        )
        async with httpx2.AsyncClient(timeout=120.0) as client:
            upstream = await client.request(request.method, url, content=body, headers=headers)
        answer_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
        await Response(upstream.content, status_code=upstream.status_code, headers=answer_headers)(scope, receive, send)

    def backends_of(self, tool: str) -> list[int]:
        return [index for index, method, name in self.log if method == "tools/call" and name == tool]
