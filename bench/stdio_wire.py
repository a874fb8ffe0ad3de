"""A minimal JSON-RPC client over a server's stdio, to see exactly what the wire carries and when.

The SDK client would add its own start-up and parsing to every measurement; this one writes the three messages a
host sends first (initialize, initialized, tools/list) and reads the raw answer lines, so a spawn-to-answer time is
the server's own and the tool list is measured byte for byte as sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

PROTOCOL_VERSION = "2025-11-25"
# What a host that renders MCP Apps declares in its initialize (SEP-1865): the server then lists the view links.
MCP_APPS_CAPABILITIES: dict[str, Any] = {
    "extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}}
}


class WireError(RuntimeError):
    """The server did not answer as an MCP server should (it exited, timed out, or sent an error)."""


@dataclass(frozen=True)
class Listing:
    """The answer to tools/list, and how long it took from spawning the process."""

    seconds_to_tools: float
    tools: list[dict[str, Any]]
    raw_results: list[str]


def _send(stdin: IO[bytes], message: dict[str, Any]) -> None:
    stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
    stdin.flush()


def _answer(stdout: IO[bytes], request_id: int) -> tuple[dict[str, Any], str]:
    """The response to `request_id` (notifications and log lines in between are skipped) and its raw result text."""
    while True:
        line = stdout.readline()
        if not line:
            raise WireError("the server closed its output before answering")
        message = json.loads(line)
        if message.get("id") != request_id:
            continue
        if "error" in message:
            raise WireError(f"the server answered with an error: {message['error']}")
        result = message["result"]
        # The result exactly as the wire carried it, re-serialised compactly (the SDK already writes compact JSON).
        return result, json.dumps(result, separators=(",", ":"), ensure_ascii=False)


def list_tools(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 60.0,
    capabilities: Mapping[str, Any] | None = None,
) -> Listing:
    """Spawn `command`, initialize (declaring `capabilities`, none by default), list every tool (following cursors)
    and stop the process."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=dict(os.environ if env is None else env),
            cwd=cwd,
        )
        # A hung server must not hang the benchmark: the watchdog kills it, which ends every read.
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            assert process.stdin is not None and process.stdout is not None
            _send(
                process.stdin,
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": PROTOCOL_VERSION,
                        "capabilities": dict(capabilities or {}),
                        "clientInfo": {"name": "flowtly-bench", "version": "1"},
                    },
                },
            )
            _answer(process.stdout, 1)
            _send(process.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
            tools: list[dict[str, Any]] = []
            raw: list[str] = []
            cursor: str | None = None
            request_id = 2
            while True:
                params = {"cursor": cursor} if cursor else {}
                _send(process.stdin, {"jsonrpc": "2.0", "id": request_id, "method": "tools/list", "params": params})
                result, text = _answer(process.stdout, request_id)
                tools.extend(result.get("tools", []))
                raw.append(text)
                cursor = result.get("nextCursor")
                if not cursor:
                    break
                request_id += 1
            seconds = time.perf_counter() - started
        except (OSError, ValueError, WireError) as problem:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise WireError(f"{problem}; server stderr ends with:\n{tail}") from None
        finally:
            watchdog.cancel()
            _stop(process)
    return Listing(seconds_to_tools=seconds, tools=tools, raw_results=raw)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
