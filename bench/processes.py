"""Spawning flowtly-mcp as a user would: the real command line, in an isolated home, on loopback only."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Sequence
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
