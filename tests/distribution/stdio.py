"""A server command in a subprocess, spoken to as an MCP client would: JSON-RPC lines on stdin and stdout.

Its stderr is read on a thread so that a test can wait for a line (the ready line) with a deadline. Only the
process started here is ever signalled, through the process group it was given.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

PROTOCOL = "2025-11-25"
LIMIT = 120.0  # seconds for one answer or one line; generous because the machine is shared


class StdioServer:
    def __init__(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        self.argv = list(argv)
        self.popen = subprocess.Popen(
            self.argv,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.stderr_lines: list[str] = []
        self._stderr: queue.Queue[str | None] = queue.Queue()
        self._stdout: queue.Queue[str | None] = queue.Queue()
        assert self.popen.stdout is not None and self.popen.stderr is not None
        for stream, sink in ((self.popen.stderr, self._stderr), (self.popen.stdout, self._stdout)):
            threading.Thread(target=_pump, args=(stream, sink), daemon=True).start()
        self._next_id = 0

    def stderr_text(self) -> str:
        self._drain_stderr()
        return "\n".join(self.stderr_lines)

    def _drain_stderr(self) -> None:
        while True:
            try:
                line = self._stderr.get_nowait()
            except queue.Empty:
                return
            if line is not None:
                self.stderr_lines.append(line)

    def wait_for_stderr(self, needle: str, limit: float = LIMIT) -> str:
        """The first stderr line containing `needle`; fails with everything printed so far if none comes."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                line = self._stderr.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            self.stderr_lines.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{self.argv} printed no line with {needle!r}:\n{self.stderr_text()}")

    def send(self, message: Mapping[str, Any]) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(json.dumps(message).encode() + b"\n")
        self.popen.stdin.flush()

    def request(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send one request and return its result; notifications the server sends meanwhile are skipped."""
        self._next_id += 1
        ident = self._next_id
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": dict(params or {})})
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            try:
                line = self._stdout.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            message = json.loads(line)
            if message.get("id") == ident:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result
        raise AssertionError(f"no answer to {method} from {self.argv}:\n{self.stderr_text()}")

    def initialize(self) -> dict[str, Any]:
        result = self.request(
            "initialize",
            {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "tests", "version": "0"}},
        )
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return result

    def close_stdin(self) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.close()

    def interrupt(self) -> None:
        """Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group."""
        os.killpg(self.popen.pid, signal.SIGINT)

    def wait(self, limit: float = LIMIT) -> int:
        code = self.popen.wait(timeout=limit)
        # Let the reader threads hand over the last lines before the test reads them.
        time.sleep(0.1)
        self._drain_stderr()
        return code

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=30)
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()


def _pump(stream: IO[bytes], sink: queue.Queue[str | None]) -> None:
    # The stream is closed under the thread when the test stops the server: that ends the reading, quietly.
    with contextlib.suppress(OSError, ValueError):
        for raw in stream:
            sink.put(raw.decode(errors="replace").rstrip("\n"))
    sink.put(None)


@contextlib.contextmanager
def stdio_server(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Iterator[StdioServer]:
    server = StdioServer(argv, env, cwd)
    try:
        yield server
    finally:
        server.stop()
