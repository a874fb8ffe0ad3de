#!/usr/bin/env python3
"""Set up a local virtual environment and run the project: the only prerequisite is Python 3.11+.

    python3 dev.py serve [ARGS...]   install, then run the MCP server over stdio on the embedded sandbox
    python3 dev.py test [PYTEST ARGS...]   install (with dev tools), then lint, type-check and run every test

The environment lives in .venv and is reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _log(message: str) -> None:
    # stdout is the MCP channel when serving over stdio: everything human goes to stderr.
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def _ensure_env(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"Python 3.11+ is required, this is {sys.version.split()[0]}")
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        _log(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    _log(f"installing {target} (first run takes a minute)")
    quiet = ["--quiet"] if not os.environ.get("CI") else []
    # pip's own output would corrupt the stdio channel, so it is sent to stderr.
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", *quiet, "--disable-pip-version-check", "-e", target],
        check=True,
        cwd=ROOT,
        stdout=sys.stderr,
    )
    stamp.write_text(digest)


def _run(argv: list[str]) -> int:
    return subprocess.run(argv, cwd=ROOT).returncode


def serve(args: list[str]) -> int:
    _ensure_env("")
    return _run([str(PYTHON), "-m", "flowtly_mcp", "--sandbox", *args])


def test(args: list[str]) -> int:
    _ensure_env("dev")
    for step in (
        [str(PYTHON), "-m", "ruff", "check", "flowtly_mcp", "tests", "bench", "dev.py"],
        [str(PYTHON), "-m", "ruff", "format", "--check", "flowtly_mcp", "tests", "bench", "dev.py"],
        [str(PYTHON), "-m", "mypy"],
        # The layer contracts in pyproject.toml ([tool.importlinter]).
        [str(BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"))],
    ):
        _log(" ".join(Path(step[0]).name if i == 0 else part for i, part in enumerate(step)))
        if code := _run(step):
            return code
    code = _run([str(PYTHON), "-m", "pytest", *args])
    if code == 5:
        _log("pytest collected no tests: failing on purpose")
    return code


def main() -> int:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.stderr.write(__doc__ or "")
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
