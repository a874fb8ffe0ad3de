"""A newcomer's first run: `python3 dev.py serve` says when it is ready, and Ctrl-C or a closed stdin end it quietly.

Real subprocesses, spoken to over stdio; the sandbox database lives in the test's temporary directory.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from .stdio import StdioServer, stdio_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FLOWTLY_MCP = str(Path(sys.executable).with_name("flowtly-mcp"))
READY = "ready:"


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("FLOWTLY_")}


def _commands(db: Path) -> dict[str, list[str]]:
    commands = {"flowtly-mcp": [FLOWTLY_MCP, "--sandbox", "--sandbox-db", str(db)]}
    # dev.py serves from the repository's own .venv; only when that is the environment under test is it the same
    # server, already installed (otherwise the test would install a second environment).
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        commands["dev.py serve"] = [sys.executable, str(ROOT / "dev.py"), "serve", "--sandbox-db", str(db)]
    return commands


@pytest.fixture(params=["flowtly-mcp", "dev.py serve"])
def command(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    commands = _commands(tmp_path / "sandbox.sqlite3")
    if request.param not in commands:
        pytest.skip("dev.py serves from the repository's .venv, which is not the environment running the tests")
    return commands[request.param]


def _assert_one_ready_line(server: StdioServer, db_name: str) -> None:
    line = server.wait_for_stderr(READY)
    assert "over stdio" in line
    assert "sandbox" in line and db_name in line
    count = int(line.split(READY, 1)[1].split()[0])
    assert count > 3, line  # the default surface: several tools plus search_tools and execute_tool


def _after_ready(server: StdioServer) -> list[str]:
    """What the server printed after its one ready line (dev.py's install lines, if any, come before it)."""
    ready = [index for index, line in enumerate(server.stderr_lines) if READY in line]
    assert len(ready) == 1, server.stderr_text()
    return [line for line in server.stderr_lines[ready[0] + 1 :] if line.strip()]


def test_ready_line_then_ctrl_c_stops_quietly(command: list[str], tmp_path: Path) -> None:
    with stdio_server(command, _env(), cwd=tmp_path) as server:
        _assert_one_ready_line(server, "sandbox.sqlite3")
        # It is really serving: a client gets its answer after the ready line.
        assert server.initialize()["serverInfo"]["name"] == "flowtly-mcp"
        server.interrupt()
        code = server.wait()
    stderr = server.stderr_text()
    assert code == 130, stderr
    assert "Traceback" not in stderr
    assert _after_ready(server) == ["flowtly-mcp: stopped"], stderr


def test_a_closed_stdin_ends_the_server_quietly(command: list[str], tmp_path: Path) -> None:
    with stdio_server(command, _env(), cwd=tmp_path) as server:
        _assert_one_ready_line(server, "sandbox.sqlite3")
        server.initialize()
        assert server.request("tools/list")["tools"]
        # The client goes away: its end of the pipe closes.
        server.close_stdin()
        code = server.wait()
    stderr = server.stderr_text()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert _after_ready(server) == [], stderr


def test_the_ready_line_names_the_real_api_when_not_on_the_sandbox(tmp_path: Path) -> None:
    env = {**_env(), "FLOWTLY_API_TOKEN": "not-a-real-token", "FLOWTLY_BASE_URL": "http://127.0.0.1:9"}
    with stdio_server([FLOWTLY_MCP], env, cwd=tmp_path) as server:
        line = server.wait_for_stderr(READY)
        server.close_stdin()
        assert server.wait() == 0, server.stderr_text()
    assert "against http://127.0.0.1:9" in line
    assert "not-a-real-token" not in server.stderr_text()


@pytest.mark.parametrize("after", [0.3, 0.5, 0.8, 1.2])
def test_ctrl_c_while_starting_is_quiet_too(tmp_path: Path, after: float) -> None:
    # Loading the modules takes seconds on a busy machine (or the first time, with no compiled bytecode, as here): a
    # person may well press Ctrl-C before the ready line, in Python code or inside pydantic-core building a validator.
    env = {**_env(), "PYTHONPYCACHEPREFIX": str(tmp_path / "bytecode")}
    with stdio_server(_commands(tmp_path / "sandbox.sqlite3")["flowtly-mcp"], env, cwd=tmp_path) as server:
        time.sleep(after)
        server.interrupt()
        code = server.wait()
    stderr = server.stderr_text()
    assert "Traceback" not in stderr
    # 130 from the server; -SIGINT only if the signal came before Python itself had started.
    assert code in (130, -signal.SIGINT), stderr
