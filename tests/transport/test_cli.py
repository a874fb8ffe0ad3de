"""The command line as a person uses it: listing and calling tools on the sandbox, and refused HTTP set-ups."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from flowtly_mcp.sandbox import Sandbox, SandboxConfig

from ..prompts_resources.ledger import LEDGER, TODAY
from .servers import FLOWTLY_MCP, ROOT, base_env

# Subprocesses: marked so that `-m "not slow"` skips them locally; CI runs everything.
pytestmark = pytest.mark.slow

LIMIT = 120  # seconds for one command


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.sqlite3"
    Sandbox(SandboxConfig(db_path=path, dataset=LEDGER, today=TODAY)).close()
    return path


def flowtly_mcp(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FLOWTLY_MCP, *args], env=base_env(**env), cwd=ROOT, capture_output=True, text=True, timeout=LIMIT, check=False
    )


def test_tools_lists_the_default_surface(database: Path) -> None:
    done = flowtly_mcp("--sandbox", "--sandbox-db", str(database), "tools")
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert {"top_debtors", "get_invoice", "search_tools", "execute_tool"} <= set(names)
    assert "delete_client_contact" not in names  # not in the default toolsets


def test_tools_follows_the_toolsets_flag(database: Path) -> None:
    done = flowtly_mcp("--sandbox", "--sandbox-db", str(database), "--toolsets", "clients", "tools")
    assert done.returncode == 0, done.stderr
    assert "delete_client_contact" in done.stdout


def test_call_prints_the_structured_result(database: Path) -> None:
    done = flowtly_mcp("--sandbox", "--sandbox-db", str(database), "call", "get_invoice", '{"id": 10}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["item"]["amount"] == "1845.00"


def test_a_guarded_call_only_previews(database: Path) -> None:
    args = ["--sandbox", "--sandbox-db", str(database), "--toolsets", "clients"]
    done = flowtly_mcp(*args, "call", "delete_client_contact", '{"id": 1}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "approval_required"
    still_there = flowtly_mcp(*args, "call", "get_client_contact", '{"id": 1}')
    assert json.loads(still_there.stdout)["item"]["email"] == "billing@acme.example"


def test_a_failed_call_exits_non_zero_with_the_reason(database: Path) -> None:
    done = flowtly_mcp("--sandbox", "--sandbox-db", str(database), "call", "get_invoice", '{"id": 999}')
    assert done.returncode == 1
    assert "Not found: invoice 999" in done.stdout


def test_arguments_must_be_json(database: Path) -> None:
    done = flowtly_mcp("--sandbox", "--sandbox-db", str(database), "call", "get_invoice", "{id: 10}")
    assert done.returncode == 2
    assert "arguments must be a JSON object" in done.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--host", "0.0.0.0"], {}, "refusing to listen on 0.0.0.0 without authentication"),
        (
            ["--workers", "2"],
            {"FLOWTLY_API_TOKEN": "t", "FLOWTLY_CONFIRM": "agent"},
            "several workers need a shared FLOWTLY_CONFIRM_SECRET",
        ),
        (
            ["--sandbox", "--workers", "2"],
            {"FLOWTLY_CONFIRM_SECRET": "s" * 40},
            "--sandbox keeps one sandbox inside each process",
        ),
        (["--public-url", "ftp://x"], {}, "FLOWTLY_HTTP_PUBLIC_URL must be the MCP endpoint's URL"),
    ],
)
def test_unsafe_http_set_ups_are_refused_before_listening(args: list[str], env: dict[str, str], message: str) -> None:
    done = flowtly_mcp("--transport", "http", "--port", "1", *args, **env)
    assert done.returncode == 2
    assert message in done.stderr
