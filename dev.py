#!/usr/bin/env python3
"""Set up a local virtual environment and run the project: the only prerequisite is Python 3.11+.

    python3 dev.py serve [ARGS...]   install, then run the MCP server over stdio on the embedded sandbox
    python3 dev.py test [PYTEST ARGS...]   install (with dev tools), then lint, type-check and run every test
    python3 dev.py bundle [--out DIR]   pack the Claude Desktop bundle (.mcpb) into DIR (default dist/); needs npm

The environment lives in .venv and is reinstalled only when pyproject.toml changes. The tests run on parallel
workers (pytest-xdist); pass `-n 0` to run them in one process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# One worker more than there are cores (three on two): many tests wait on subprocesses and sockets.
WORKERS = str(min(8, (os.cpu_count() or 1) + 1))


def _log(message: str) -> None:
    # stdout is the MCP channel when serving over stdio: everything human goes to stderr.
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def _ensure_env(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"Python 3.11+ is required, this is {sys.version.split()[0]}")
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    # The dev install holds everything the plain one does, so either stamp serves `serve`.
    satisfying = [stamp] if extras else [stamp, VENV / ".installed-dev"]
    if PYTHON.exists() and any(s.exists() and s.read_text() == digest for s in satisfying):
        return
    started = time.monotonic()
    if not PYTHON.exists():
        _log(f"step 1/2: creating {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    _log(f"step 2/2: installing {target} into .venv (first run takes a minute or two; pip's progress follows)")
    # pip's own output would corrupt the stdio channel, so it is sent to stderr; --progress-bar off keeps it to
    # one line per package, readable in a terminal and in a client's log alike.
    subprocess.run(
        [
            str(PYTHON),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
            "-e",
            target,
        ],
        check=True,
        cwd=ROOT,
        stdout=sys.stderr,
    )
    stamp.write_text(digest)
    _log(f"installed in {time.monotonic() - started:.0f} s")


def _run(argv: list[str]) -> int:
    return subprocess.run(argv, cwd=ROOT).returncode


def serve(args: list[str]) -> int:
    _ensure_env("")
    argv = [str(PYTHON), "-m", "flowtly_mcp", "--sandbox", *args]
    if os.name == "nt":
        return _run(argv)
    # The server replaces this process: Ctrl-C and a closed stdin reach it alone, with no wrapper to interrupt.
    os.chdir(ROOT)
    os.execv(argv[0], argv)


def _pytest_args(args: list[str]) -> list[str]:
    chosen = any(arg.startswith(("-n", "--numprocesses")) for arg in args)
    # loadfile keeps each test file on one worker: module fixtures (a built wheel, a packed bundle, an installed
    # npm tool) are made once, and never by two workers at the same time.
    return args if chosen else ["-n", WORKERS, "--dist", "loadfile", *args]


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
    code = _run([str(PYTHON), "-m", "pytest", *_pytest_args(args)])
    if code == 5:
        _log("pytest collected no tests: failing on purpose")
    return code


MCPB_VERSION = "2.1.2"  # the official @anthropic-ai/mcpb CLI, installed on demand into .cache/mcpb
MCPB_PREFIX = ROOT / ".cache" / "mcpb"
# What the bundle carries: the package's source and what uv needs to build it. Dependencies are not bundled:
# the host's uv installs them from pyproject.toml (MCPB server type "uv").
BUNDLE_FILES = ("pyproject.toml", "README.md", "LICENSE")


def mcpb_cli() -> Path:
    """The mcpb executable in .cache/mcpb, installed with npm when missing."""
    executable = MCPB_PREFIX / "node_modules" / ".bin" / ("mcpb.cmd" if os.name == "nt" else "mcpb")
    installed = MCPB_PREFIX / "node_modules" / "@anthropic-ai" / "mcpb" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == MCPB_VERSION and executable.exists():
        return executable
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("packing the bundle needs Node.js and npm (for the official @anthropic-ai/mcpb CLI)")
    _log(f"installing @anthropic-ai/mcpb@{MCPB_VERSION} into {MCPB_PREFIX}")
    MCPB_PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(MCPB_PREFIX), "--no-audit", "--no-fund", f"@anthropic-ai/mcpb@{MCPB_VERSION}"],
        check=True,
        stdout=sys.stderr,
    )
    return executable


def _package_files() -> list[Path]:
    """The package's files as git tracks them (no caches, no local leftovers); every file outside a checkout."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "flowtly_mcp"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
        return [ROOT / name for name in listed.split("\0") if name]
    return [path for path in (ROOT / "flowtly_mcp").rglob("*") if path.is_file() and "__pycache__" not in path.parts]


def stage_bundle(stage: Path) -> dict[str, str]:
    """Lay out the bundle's directory at `stage`; returns the manifest."""
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / "mcpb" / "manifest.json", stage / "manifest.json")
    for name in BUNDLE_FILES:
        shutil.copy2(ROOT / name, stage / name)
    for path in _package_files():
        target = stage / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    manifest: dict[str, str] = json.loads((stage / "manifest.json").read_text())
    return manifest


def bundle(args: list[str]) -> int:
    out = Path(args[args.index("--out") + 1]).resolve() if "--out" in args else ROOT / "dist"
    cli = mcpb_cli()
    (ROOT / "build").mkdir(exist_ok=True)
    # A staging directory of its own: two packs at once (parallel tests) must not share one.
    with tempfile.TemporaryDirectory(prefix="mcpb-", dir=ROOT / "build") as staging:
        stage = Path(staging) / "flowtly-mcp"
        manifest = stage_bundle(stage)
        target = out / f"{manifest['name']}-{manifest['version']}.mcpb"
        out.mkdir(parents=True, exist_ok=True)
        for step in ([str(cli), "validate", str(stage / "manifest.json")], [str(cli), "pack", str(stage), str(target)]):
            _log(" ".join(["mcpb", *step[1:]]))
            if code := _run(step):
                return code
    _log(f"bundle: {target}")
    return 0


def main() -> int:
    commands = {"serve": serve, "test": test, "bundle": bundle}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.stderr.write(__doc__ or "")
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except KeyboardInterrupt:
        # Ctrl-C during the install or the tests: stop without a traceback; the next run picks up from here.
        _log("interrupted")
        return 130
    except subprocess.CalledProcessError as exc:
        _log(f"{Path(str(exc.cmd[0])).name} failed (exit {exc.returncode}); its messages above say why")
        return exc.returncode


if __name__ == "__main__":
    sys.exit(main())
