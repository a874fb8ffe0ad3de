"""A long-lived stdio MCP session for timing calls: the same raw JSON-RPC as `stdio_wire`, kept open.

Timing a call through the SDK client would add the client's own parsing and task switching; this writes one
`tools/call` line and reads the answer line, so what is measured is the server's round trip over its pipes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import IO, Any

from bench.stdio_wire import PROTOCOL_VERSION, WireError, _answer, _send, _stop


class StdioSession:
    """`with StdioSession(command, env=...) as session: session.call("get_invoice", {"id": "1"})`."""

    def __init__(self, command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: str | None = None):
        self._command = list(command)
        self._env = dict(os.environ if env is None else env)
        self._cwd = cwd
        self._errors: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._next_id = 1

    def __enter__(self) -> StdioSession:
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env=self._env,
            cwd=self._cwd,
        )
        self._request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "flowtly-bench", "version": "1"},
            },
        )
        assert self._process.stdin is not None
        _send(self._process.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._process is not None:
            _stop(self._process)
        if self._errors is not None:
            self._errors.close()

    @property
    def pid(self) -> int:
        """The server process's id (for its CPU time)."""
        assert self._process is not None, "the session is not open"
        return self._process.pid

    def _request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        request_id = self._next_id
        self._next_id += 1
        try:
            _send(process.stdin, {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
            result, _ = _answer(process.stdout, request_id)
        except (OSError, ValueError, WireError) as problem:
            raise WireError(f"{problem}; server stderr ends with:\n{self._stderr_tail()}") from None
        return result

    def _stderr_tail(self) -> str:
        if self._errors is None:
            return ""
        self._errors.seek(0)
        return self._errors.read().decode(errors="replace")[-2000:]

    def call(self, name: str, arguments: dict[str, Any]) -> float:
        """Call a tool and return the seconds its answer took; an error result is an error here."""
        started = time.perf_counter()
        result = self._request("tools/call", {"name": name, "arguments": arguments})
        seconds = time.perf_counter() - started
        if result.get("isError"):
            raise WireError(f"{name} answered with an error: {result.get('content')}")
        return seconds
