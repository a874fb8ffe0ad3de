"""The whole suite: a home of its own, so no test or tool it starts writes into the developer's home; and the API
variant a test runs against (tests/api_variants.py).

Subprocesses (the server, npm, the MCP Inspector, pip) inherit this environment, and so do the xdist workers,
which start after the controller has configured itself. npm's cache stays in the repository's .cache/ so that a
second run does not download again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.api_variants import ALL_VARIANTS, DEFAULT_VARIANT, ApiVariant

ROOT = Path(__file__).resolve().parents[1]
_MARK = "PYTEST_ISOLATED_HOME"  # set by whichever process made the home; workers find it and keep it
_home_key = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "api_matrix: run in every API variant (Hydra prefixed and plain, pages of 7, the /api prefix)"
    )
    if os.environ.get(_MARK):
        return
    home = Path(tempfile.mkdtemp(prefix="flowtly-tests-home-"))
    config.stash[_home_key] = home
    # The developer's registry settings (a proxy, a mirror) are still read, from where they are; nothing is written.
    real_home = Path.home()
    if (npmrc := real_home / ".npmrc").is_file():
        os.environ.setdefault("NPM_CONFIG_USERCONFIG", str(npmrc))
    if (pip_conf := real_home / ".config" / "pip" / "pip.conf").is_file():
        os.environ.setdefault("PIP_CONFIG_FILE", str(pip_conf))
    os.environ.update(
        {
            _MARK: str(home),
            "HOME": str(home),
            "USERPROFILE": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "NPM_CONFIG_CACHE": str(ROOT / ".cache" / "npm"),
            "NPM_CONFIG_UPDATE_NOTIFIER": "false",
        }
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_home_key, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)
        os.environ.pop(_MARK, None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Marked tests run in every variant; the rest take the default one from the fixture below.
    if "api_variant" in metafunc.fixturenames and metafunc.definition.get_closest_marker("api_matrix"):
        metafunc.parametrize("api_variant", ALL_VARIANTS, ids=[v.id for v in ALL_VARIANTS])


@pytest.fixture
def api_variant() -> ApiVariant:
    return DEFAULT_VARIANT
