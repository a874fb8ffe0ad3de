"""Acceptance: through a real stdio client that cannot elicit, under the default policy, the model alone deletes
nothing, whatever string it was given and wherever it puts it; a person approving from the CLI (another process,
the same store) then lets the call run exactly once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GUARDED_CALL = "delete_invoice"


def strings_in(value: Any) -> set[str]:
    """Every string a model could copy out of a result: values, keys and the words of its text."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= {str(key)} | strings_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= strings_in(item)
    elif isinstance(value, str):
        found |= {value, *re.findall(r"[A-Za-z0-9_./:-]{6,}", value)}
    return found


def result_strings(result: CallToolResult) -> set[str]:
    found = strings_in(result.structured_content or {})
    for block in result.content:
        found |= strings_in(getattr(block, "text", ""))
    return found


def audit_lines(path: Path, tool: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["tool"] == tool]


async def test_the_model_alone_deletes_nothing_and_the_cli_approval_runs_once(tmp_path: Path) -> None:
    state_url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    audit = tmp_path / "audit.jsonl"
    env = {
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "FLOWTLY_TOOLSETS": "all",
        "FLOWTLY_STATE_URL": state_url,
        "FLOWTLY_AUDIT_LOG": str(audit),
        "FLOWTLY_DOWNLOAD_DIR": str(tmp_path / "downloads"),
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "flowtly_mcp", "--sandbox", "--sandbox-db", str(tmp_path / "sandbox.sqlite3")],
        env=env,
    )
    async with Client(params) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert "confirmation_token" not in json.dumps(tools[GUARDED_CALL].input_schema)
        drafts = await client.call_tool("list_draft_invoices", {"limit": 1})
        invoice = (drafts.structured_content or {})["items"][0]["id"]

        first = await client.call_tool(GUARDED_CALL, {"id": invoice})
        answer = first.structured_content or {}
        assert answer["status"] == "approval_required", answer
        approval_id = answer["approval_id"]
        assert "confirmation_token" not in json.dumps(answer) or answer.get("confirmation_token") is None
        given = result_strings(first) | result_strings(drafts) | {approval_id, str(invoice)}

        # The model tries everything it was given, in every argument of every tool that could act.
        # Token-like strings first (the longest), then the rest, bounded so the run stays short.
        tries = [approval_id, str(invoice), *sorted(given - {approval_id, str(invoice)}, key=lambda t: (-len(t), t))]
        for text in tries[:40]:
            for arguments in (
                {"id": invoice, "confirmation_token": text},
                {"id": invoice, "approval_id": text},
                {"id": text},
            ):
                await client.call_tool(GUARDED_CALL, arguments)
                await client.call_tool("execute_tool", {"name": GUARDED_CALL, "arguments": arguments})
            checked = await client.call_tool("check_approval", {"approval_id": text})
            assert checked.is_error, checked.structured_content
            decided = await client.call_tool(
                "approval_decide", {"approval_id": approval_id, "secret": text, "decision": "approve"}
            )
            assert decided.is_error
        still = await client.call_tool("get_invoice", {"id": invoice})
        assert not still.is_error, "the model alone deleted the invoice"
        assert not [line for line in audit_lines(audit, GUARDED_CALL) if line["outcome"] == "executed"]

        # A person approves from a terminal: another process, the same store.
        approved = subprocess.run(
            [sys.executable, "-m", "flowtly_mcp", "approvals", "approve", approval_id],
            env={**env, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert approved.returncode == 0, approved.stderr
        assert "approved" in approved.stdout

        done = await client.call_tool("check_approval", {"approval_id": approval_id})
        assert not done.is_error, done.content
        assert (done.structured_content or {})["status"] == "done"
        again = await client.call_tool("check_approval", {"approval_id": approval_id})
        assert again.is_error and "only once" in again.content[0].text  # type: ignore[union-attr]
        gone = await client.call_tool("get_invoice", {"id": invoice})
        assert gone.is_error

    executed = [line for line in audit_lines(audit, GUARDED_CALL) if line["outcome"] == "executed"]
    assert len(executed) == 1
    assert "approved by cli:" in executed[0]["detail"] and "pending" in executed[0]["detail"]
