"""The suite keeps out of the developer's home: every process it starts sees a temporary HOME and XDG directories,
and npm's cache lives in the checkout (see tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from flowtly_mcp.config import default_data_dir
from flowtly_mcp.sandbox import default_db_path

from .environment import ROOT

TEMP = Path(tempfile.gettempdir()).resolve()


def test_home_and_data_directories_are_temporary() -> None:
    assert Path.home().resolve().is_relative_to(TEMP)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert Path(os.environ[name]).resolve().is_relative_to(Path.home().resolve()), name
    # Where the server would keep its sandbox database and downloads when nobody names a place.
    assert default_db_path().resolve().is_relative_to(TEMP)
    assert default_data_dir().resolve().is_relative_to(TEMP)


def test_npm_caches_inside_the_checkout() -> None:
    assert Path(os.environ["NPM_CONFIG_CACHE"]).resolve().is_relative_to(ROOT)


def test_a_subprocess_inherits_the_temporary_home() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import pathlib; print(pathlib.Path.home())"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(done.stdout.strip()).resolve() == Path.home().resolve()
