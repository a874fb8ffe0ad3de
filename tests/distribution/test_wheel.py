"""The package as users get it: a wheel and an sdist built from the repository, the wheel installed into a clean
virtual environment, and its `flowtly-mcp --sandbox` driven over stdio from a directory outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowtly_mcp import __version__

from .environment import ROOT, clean_env, tracked_files
from .stdio import stdio_server

# Builds and installs from PyPI: marked so that `-m "not slow"` skips it locally; CI runs everything.
pytestmark = pytest.mark.slow

BUILD_LIMIT = 600  # seconds; an isolated build fetches setuptools
INSTALL_LIMIT = 900


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    out = tmp_path_factory.mktemp("dist")
    # `python -m build` makes the sdist first and the wheel from the unpacked sdist, so the wheel also proves the
    # sdist holds everything a build needs.
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        env=clean_env(),
        cwd=out,
        capture_output=True,
        text=True,
        timeout=BUILD_LIMIT,
        check=False,
    )
    assert done.returncode == 0, f"build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    yield {
        "wheel": out / f"flowtly_mcp-{__version__}-py3-none-any.whl",
        "sdist": out / f"flowtly_mcp-{__version__}.tar.gz",
    }


def _package_data() -> set[str]:
    """Files the installed package reads at run time: everything in flowtly_mcp/ but Python and notes for people."""
    return {path for path in tracked_files("flowtly_mcp") if not path.endswith((".py", ".md"))}


def test_the_wheel_carries_the_package_data_and_metadata(artifacts: dict[str, Path]) -> None:
    with zipfile.ZipFile(artifacts["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"flowtly_mcp-{__version__}.dist-info/METADATA").decode()
        entry_points = wheel.read(f"flowtly_mcp-{__version__}.dist-info/entry_points.txt").decode()
    assert _package_data(), "no package data found: the check would prove nothing"
    assert _package_data() <= names, _package_data() - names
    assert not [name for name in names if name.startswith("tests/")]
    assert "flowtly-mcp = flowtly_mcp.__main__:main" in entry_points
    assert "Requires-Python: >=3.11" in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    # The README is the long description PyPI shows.
    assert "Description-Content-Type: text/markdown" in metadata
    assert "# flowtly-mcp" in metadata


def test_the_sdist_carries_what_a_build_and_a_reader_need(artifacts: dict[str, Path]) -> None:
    prefix = f"flowtly_mcp-{__version__}/"
    with tarfile.open(artifacts["sdist"]) as sdist:
        names = {name.removeprefix(prefix) for name in sdist.getnames()}
    assert {"pyproject.toml", "README.md", "LICENSE", "flowtly_mcp/cli.py"} <= names
    assert _package_data() <= names, _package_data() - names


def test_the_installed_wheel_serves_the_sandbox_over_stdio(artifacts: dict[str, Path], tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # No pip inside: this process's pip installs into it (`--python`), which saves seeding one; nothing else is there.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--no-compile",  # bytecode is written on first import anyway; compiling every dependency costs minutes
            str(artifacts["wheel"]),
        ],
        env=clean_env(PIP_CACHE_DIR=str(ROOT / ".cache" / "pip")),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=INSTALL_LIMIT,
        check=False,
    )
    assert done.returncode == 0, f"pip install failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    argv = [str(env_dir / "bin" / "flowtly-mcp"), "--sandbox", "--sandbox-db", str(tmp_path / "sandbox.sqlite3")]
    # PYTHONPATH and the checkout are out of reach: only the installed wheel can answer.
    with stdio_server(argv, clean_env(), cwd=elsewhere) as server:
        assert server.initialize()["serverInfo"]["version"] == __version__
        tools = {tool["name"] for tool in server.request("tools/list")["tools"]}
        assert {"get_invoice", "search_tools", "execute_tool"} <= tools
        listed = server.request(
            "tools/call", {"name": "execute_tool", "arguments": {"name": "list_invoices", "arguments": {"limit": 3}}}
        )
        assert listed["isError"] is False, listed
        assert len(listed["structuredContent"]["items"]) == 3
        # Tools beyond the default list are reachable too: the whole registry came with the wheel.
        found = server.request("tools/call", {"name": "search_tools", "arguments": {"query": "budget"}})
        assert found["isError"] is False, found
        assert "budget" in str(found["structuredContent"])
        server.close_stdin()
        assert server.wait() == 0, server.stderr_text()
    assert "Traceback" not in server.stderr_text()
