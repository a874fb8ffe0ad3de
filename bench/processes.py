"""Spawning flowtly-mcp as a user would: the real command line, in an isolated home, on loopback only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def isolated_env(home: Path) -> dict[str, str]:
    """The current environment with a throw-away home, so no user data or FLOWTLY_* setting leaks in or out."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLOWTLY_")}
    env.update(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHONPATH": str(REPO),
        }
    )
    # Cold starts are measured with compiled bytecode cached, as every start after the first one is.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def flowtly_command(database: Path, *flags: str) -> list[str]:
    """`python -m flowtly_mcp --sandbox` on a given sandbox database, with extra flags."""
    return [sys.executable, "-m", "flowtly_mcp", "--sandbox", "--sandbox-db", str(database), *flags]


def bare_command() -> list[str]:
    return [sys.executable, "-m", "bench.bare_server"]


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it; a tiny race remains until the server binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def command_line(parts: Sequence[str]) -> str:
    shown = ["python" if part == sys.executable else part for part in parts]
    return " ".join(shown)


class ServerFailed(RuntimeError):
    """A server process exited or never started listening."""


@contextmanager
def serving(
    command: Sequence[str], port: int, *, env: dict[str, str] | None = None, ready_within: float = 120.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends; it must listen on 127.0.0.1:`port` within `ready_within` s.

    The block gets the process (to read its CPU time, say)."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(list(command), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            deadline = time.monotonic() + ready_within
            while not accepts_connections("127.0.0.1", port):
                if process.poll() is not None or time.monotonic() > deadline:
                    errors.seek(0)
                    tail = errors.read().decode(errors="replace")[-2000:]
                    raise ServerFailed(f"{command_line(command)} did not start listening on {port}:\n{tail}")
                time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a running process has used so far (Linux /proc; None elsewhere or once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3, utime and stime are fields 14 and 15 (in clock ticks).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
