"""The MCP Inspector CLI (npm @modelcontextprotocol/inspector), installed on demand into .cache/inspector.

Version 2.12.0 asks for Node 22 but its CLI runs on Node 20; a plain `npm install` on Node 20 would quietly pick
0.15.0, hence the explicit version: the tests exercise the current CLI, the one users get on Node 22.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from .servers import ROOT

VERSION = "2.12.0"
PACKAGE = "@modelcontextprotocol/inspector"
PREFIX = ROOT / ".cache" / "inspector"
EXECUTABLE = PREFIX / "node_modules" / ".bin" / "mcp-inspector"
INSTALL_LIMIT = 900  # seconds
RUN_LIMIT = 180
# The Inspector gives a server 15 s to answer by default; a server starting on a busy shared machine (or beside other
# test workers) can take longer without anything being wrong.
CONNECT_TIMEOUT_MS = "90000"


def installed_version() -> str | None:
    manifest = PREFIX / "node_modules" / PACKAGE / "package.json"
    if not manifest.is_file() or not EXECUTABLE.exists():
        return None
    return str(json.loads(manifest.read_text())["version"])


def ensure_inspector() -> Path:
    """The Inspector's executable; installs it when missing. Without Node.js and npm: a failure in CI, a skip
    elsewhere. With them, a failed install is a failure: the tests must not pass by not running."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "Node.js and npm are needed to run the MCP Inspector for the end-to-end tests"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must run them")
        pytest.skip(f"{reason}; install Node.js 20 or newer to run them")
    if installed_version() == VERSION:
        return EXECUTABLE
    PREFIX.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", f"{PACKAGE}@{VERSION}"],
        capture_output=True,
        text=True,
        timeout=INSTALL_LIMIT,
        check=False,
    )
    if done.returncode != 0 or installed_version() != VERSION:
        pytest.fail(f"npm could not install {PACKAGE}@{VERSION} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return EXECUTABLE


def run_inspector(
    executable: Path, target: Sequence[str], method: str, *options: str, env: dict[str, str]
) -> dict[str, Any]:
    """Run one method through the Inspector's CLI against `target` (a command, or a URL and its options)."""
    done = subprocess.run(
        [str(executable), "--cli", "--connect-timeout", CONNECT_TIMEOUT_MS, *target, "--method", method, *options],
        cwd=PREFIX,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_LIMIT,
        check=False,
    )
    assert done.returncode == 0, f"inspector {method} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    start = done.stdout.find("{")
    assert start >= 0, f"inspector {method} printed no JSON:\n{done.stdout}\n{done.stderr}"
    answer: dict[str, Any] = json.loads(done.stdout[start:])
    assert "error" not in answer, answer
    return answer
