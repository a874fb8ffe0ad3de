"""The Claude Desktop bundle: the official @anthropic-ai/mcpb CLI validates the manifest and packs the bundle
(`python3 dev.py bundle`), and the settings the manifest offers reach the server as it reads them.

The CLI is installed on demand into .cache/mcpb. Without Node.js and npm: a failure in CI, a skip elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from flowtly_mcp import __version__

from .environment import ROOT, clean_env, tracked_files
from .stdio import stdio_server

pytestmark = pytest.mark.slow

MANIFEST = ROOT / "packaging" / "mcpb" / "manifest.json"
LIMIT = 900  # seconds; the first run installs the CLI with npm
FLOWTLY_MCP = str(Path(sys.executable).with_name("flowtly-mcp"))


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def _need_npm() -> None:
    if shutil.which("node") and shutil.which("npm"):
        return
    reason = "Node.js and npm are needed to run the official MCPB CLI"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI must run it")
    pytest.skip(f"{reason}; install Node.js 20 or newer to run this test")


def _dev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), *args],
        env=clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need_npm()
    out = tmp_path_factory.mktemp("bundle")
    done = _dev("bundle", "--out", str(out))
    assert done.returncode == 0, f"dev.py bundle failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    # The official CLI's own verdicts, not ours.
    assert "Manifest schema validation passes!" in done.stdout + done.stderr
    return out / f"flowtly-mcp-{__version__}.mcpb"


def test_the_official_cli_packs_a_bundle_with_the_package_inside(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        packed_manifest = json.loads(archive.read("manifest.json"))
    assert packed_manifest == _manifest()
    package = {path for path in tracked_files("flowtly_mcp") if not path.endswith(".md")}
    assert package <= names, package - names
    assert {"pyproject.toml", "README.md", "LICENSE"} <= names
    assert not [name for name in names if name.startswith(("tests/", ".venv/", ".cache/")) or "__pycache__" in name]


def test_the_official_cli_reads_the_packed_bundle(bundle: Path) -> None:
    cli = ROOT / ".cache" / "mcpb" / "node_modules" / ".bin" / "mcpb"
    done = subprocess.run(
        [str(cli), "info", str(bundle)], env=clean_env(), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"File: {bundle.name}" in done.stdout


def test_the_entry_point_is_a_file_of_the_package() -> None:
    server = _manifest()["server"]
    assert server["type"] == "uv"
    assert (ROOT / server["entry_point"]).is_file()
    # `uv run` in the unpacked bundle runs the console script that pyproject.toml declares.
    assert server["mcp_config"]["args"][-1] == "flowtly-mcp"


def test_the_token_is_the_one_sensitive_setting() -> None:
    settings = _manifest()["user_config"]
    assert {name for name, spec in settings.items() if spec.get("sensitive")} == {"api_token"}
    assert settings["sandbox"]["type"] == settings["read_only"]["type"] == "boolean"


def _host_env(values: dict[str, Any]) -> dict[str, str]:
    """The environment a host builds from the manifest: each ${user_config.X} replaced by the user's setting."""
    env = clean_env()
    for name, template in _manifest()["server"]["mcp_config"]["env"].items():

        def setting(match: re.Match[str]) -> str:
            value = values[match.group(1)]
            return str(value).lower() if isinstance(value, bool) else str(value)

        env[name] = re.sub(r"\$\{user_config\.(\w+)\}", setting, template)
    return env


def test_sandbox_and_read_only_settings_reach_the_server(tmp_path: Path) -> None:
    defaults = {name: spec.get("default", "") for name, spec in _manifest()["user_config"].items()}
    env = _host_env({**defaults, "sandbox": True, "read_only": True})
    done = subprocess.run(
        [FLOWTLY_MCP, "--sandbox-db", str(tmp_path / "sandbox.sqlite3"), "tools"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # no token was given: only the sandbox setting makes this work
    names = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    assert "get_invoice" in names
    assert "create_invoice" not in names  # read-only


def test_without_the_sandbox_setting_a_missing_token_is_named(tmp_path: Path) -> None:
    defaults = {name: spec.get("default", "") for name, spec in _manifest()["user_config"].items()}
    done = subprocess.run(
        [FLOWTLY_MCP, "tools"],
        env=_host_env(defaults),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )
    assert done.returncode == 2
    assert "FLOWTLY_API_TOKEN" in done.stderr


def test_the_unpacked_bundle_serves_as_its_host_starts_it(bundle: Path, tmp_path: Path) -> None:
    """What Claude Desktop does with a uv bundle: unpack it, then run mcp_config's command with the settings."""
    app = tmp_path / "app"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(app)
    config = _manifest()["server"]["mcp_config"]
    uv = Path(sys.executable).with_name("uv")
    assert config["command"] == "uv" and uv.exists(), "uv is a dev dependency: reinstall with .[dev]"
    argv = [str(uv), *(arg.replace("${__dirname}", str(app)) for arg in config["args"])]
    argv += ["--sandbox-db", str(tmp_path / "sandbox.sqlite3")]
    defaults = {name: spec.get("default", "") for name, spec in _manifest()["user_config"].items()}
    env = _host_env({**defaults, "sandbox": True})
    # The host brings its own Python; here uv takes the one running the tests rather than downloading one.
    env.update(UV_CACHE_DIR=str(ROOT / ".cache" / "uv"), UV_PYTHON_DOWNLOADS="never", UV_PYTHON=sys.executable)
    with stdio_server(argv, env, cwd=tmp_path) as server:
        assert server.initialize()["serverInfo"]["name"] == "flowtly-mcp"
        assert "get_invoice" in {tool["name"] for tool in server.request("tools/list")["tools"]}
        # list_invoices is one search away from the default list; execute_tool runs it.
        listed = server.request(
            "tools/call", {"name": "execute_tool", "arguments": {"name": "list_invoices", "arguments": {"limit": 2}}}
        )
        assert listed["isError"] is False, listed
        assert len(listed["structuredContent"]["items"]) == 2
        server.close_stdin()
        assert server.wait() == 0, server.stderr_text()
