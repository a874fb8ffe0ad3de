"""Where the distribution tests stand: the checkout, its tracked files, and an environment free of the caller's
FLOWTLY_* settings and of anything that would let a subprocess import the checkout instead of what it installed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWTLY_") and k not in _LEAKY}
    env.update(extra)
    return env


def tracked_files(under: str) -> list[str]:
    """Files under `under` as the repository knows them (git), or as the directory holds them outside git."""
    if (ROOT / ".git").exists():
        done = subprocess.run(
            ["git", "ls-files", "--", under], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
        )
        return [line for line in done.stdout.splitlines() if line]
    base = ROOT / under
    return [
        path.relative_to(ROOT).as_posix()
        for path in base.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
