"""FLOWTLY_POLICY through a real MCP client: calls a rule allows run with no person within the day ceilings; beyond
them they wait for a person (or are refused when nobody is configured); never-rules hold; the audit names rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client

from flowtly_mcp.config import ConfigError, ServerSettings
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.server import build_server
from tests.robustness.faults import FaultTransport, Raise, on

pytestmark = pytest.mark.anyio

TODAY = dt.date(2026, 11, 16)
POLICY = """
otherwise = "{otherwise}"
never = ["send_invoice_to_ksef", "delete_client*"]

[allow.delete_invoice]
max_count_per_day = 2

[allow.delete_payment_method]
max_amount_per_call = "100.00"
"""


def server_for(
    sandbox: Sandbox,
    tmp_path: Path,
    otherwise: str,
    policy_text: str = POLICY,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> Any:
    policy = tmp_path / f"policy-{otherwise}.toml"
    policy.write_text(policy_text.format(otherwise=otherwise))
    settings = ServerSettings.from_env(
        {
            "FLOWTLY_BASE_URL": "http://sandbox.test",
            "FLOWTLY_API_TOKEN": sandbox.config.token,
            "FLOWTLY_TOOLSETS": "all",
            "FLOWTLY_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "FLOWTLY_POLICY": str(policy),
            "FLOWTLY_STATE_URL": f"sqlite:///{tmp_path / f'state-{otherwise}.sqlite3'}",
        }
    )
    return build_server(settings, transport=transport or httpx2.ASGITransport(app=sandbox.app))


def executed(tmp_path: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    return [line for line in lines if line["outcome"] == "executed"]


@pytest.mark.parametrize("otherwise", ["pending", "refuse"])
async def test_rules_allow_within_ceilings_and_never_rules_hold(otherwise: str, tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig(today=TODAY))
    async with Client(server_for(sandbox, tmp_path, otherwise)) as client:
        drafts = (await client.call_tool("list_draft_invoices", {"limit": 3})).structured_content or {}
        ids = [item["id"] for item in drafts["items"]]
        assert len(ids) == 3
        for allowed in ids[:2]:
            done = await client.call_tool("delete_invoice", {"id": allowed})
            assert (done.structured_content or {}).get("status") == "done", done.content
            assert (await client.call_tool("get_invoice", {"id": allowed})).is_error
        beyond = await client.call_tool("delete_invoice", {"id": ids[2]})
        if otherwise == "pending":
            assert (beyond.structured_content or {})["status"] == "approval_required"
            assert "max_count_per_day" in (beyond.structured_content or {})["message"]
        else:
            assert beyond.is_error and "no person is configured" in beyond.content[0].text  # type: ignore[union-attr]
        assert not (await client.call_tool("get_invoice", {"id": ids[2]})).is_error

        never = await client.call_tool("send_invoice_to_ksef", {"invoice": ids[2]})
        assert never.is_error and 'never "send_invoice_to_ksef"' in never.content[0].text  # type: ignore[union-attr]

        methods = (await client.call_tool("list_payment_methods", {"limit": 1})).structured_content or {}
        method = methods["items"][0]["id"]
        # A rule with an amount ceiling cannot check a call whose amount is unknown: a person decides.
        unknown = await client.call_tool("delete_payment_method", {"id": method})
        if otherwise == "pending":
            assert (unknown.structured_content or {})["status"] == "approval_required"
        else:
            assert unknown.is_error
        assert not (await client.call_tool("get_payment_method", {"id": method})).is_error

    lines = executed(tmp_path)
    assert [line["tool"] for line in lines] == ["delete_invoice", "delete_invoice"]
    assert all("allow.delete_invoice" in line["detail"] for line in lines)


def test_a_policy_needs_the_auto_confirmation(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('otherwise = "refuse"\n')
    with pytest.raises(ConfigError, match="FLOWTLY_POLICY applies with FLOWTLY_CONFIRM=auto"):
        ServerSettings.from_env({"FLOWTLY_API_TOKEN": "x", "FLOWTLY_POLICY": str(policy), "FLOWTLY_CONFIRM": "agent"})


async def test_a_call_that_changed_nothing_is_taken_off_the_day_counters(tmp_path: Path) -> None:
    """The ceilings count what was done: a delete whose connection was never made gives its reservation back; one
    whose answer was lost after the server took it (it may have happened, and here it did) stays counted."""
    sandbox = Sandbox(SandboxConfig(today=TODAY))
    wire = FaultTransport(httpx2.ASGITransport(app=sandbox.app))
    policy = 'otherwise = "{otherwise}"\n[allow.delete_invoice]\nmax_count_per_day = 2\n'
    async with Client(server_for(sandbox, tmp_path, "refuse", policy, wire)) as client:
        drafts = (await client.call_tool("list_draft_invoices", {"limit": 3})).structured_content or {}
        first, second, third = [item["id"] for item in drafts["items"]]

        # Refused every time, retries included (a request that never left is safe to send again).
        wire.inject(Raise(httpx2.ConnectError, "Connection refused"), on("DELETE"), times=None)
        refused = await client.call_tool("delete_invoice", {"id": first})
        wire.clear()
        assert refused.is_error, refused.content
        assert not (await client.call_tool("get_invoice", {"id": first})).is_error, "nothing was deleted"

        wire.inject(Raise(httpx2.ReadTimeout, "timed out", reaches_server=True), on("DELETE"))
        lost = await client.call_tool("delete_invoice", {"id": first})
        assert lost.is_error, lost.content
        assert (await client.call_tool("get_invoice", {"id": first})).is_error, "the server did delete it"

        done = await client.call_tool("delete_invoice", {"id": second})
        assert (done.structured_content or {}).get("status") == "done", done.content
        beyond = await client.call_tool("delete_invoice", {"id": third})
        assert beyond.is_error and "max_count_per_day" in beyond.content[0].text  # type: ignore[union-attr]
        assert not (await client.call_tool("get_invoice", {"id": third})).is_error

    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    failed = [line for line in lines if line["outcome"] == "failed"]
    assert len(failed) == 2
    assert "taken off the policy's day counters" in failed[0]["detail"]
    assert "taken off" not in failed[1]["detail"]
