"""Every guarded workflow tool: a human who says no, or no answer at all, changes nothing, in both client modes."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.types import ElicitRequestParams, ElicitResult

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import CaseKind, DuplicateTier, GroundTruth, KsefState
from flowtly_mcp.tools.all import registry

from .conftest import MODES, TODAY, ServerFactory, body, error_text, writes

pytestmark = pytest.mark.anyio
GUARDED = ["reconcile_payment", "reconcile_unmatched", "merge_counterparties", "send_invoice_to_ksef"]
GUARDED += ["send_ksef_correction"]


def sendable_invoice(sandbox: Sandbox, truth: GroundTruth) -> int:
    """An issued invoice never sent to KSeF whose buyer has an address: preflight lets it through to the preview."""
    unsent = {i for i, state in truth.ksef_states.items() if state == KsefState.NOT_SENT}
    for record in sorted(sandbox.store.all("invoices"), key=lambda r: r["id"]):
        client = sandbox.store.get("clients", str(record.get("client", "")).rsplit("/", 1)[-1]) or {}
        issued = str(record.get("issueDate") or "")[:10]
        if (
            record["id"] in unsent
            and record.get("status") not in ("draft", None)
            and record.get("type") == "VAT"
            and issued <= TODAY.isoformat()
            and client.get("addressStreetLine")
            and client.get("addressCity")
        ):
            return int(record["id"])
    raise AssertionError("the seed has no sendable invoice")


def arguments_for(tool: str, truth: GroundTruth, sandbox: Sandbox) -> dict[str, Any]:
    if tool == "reconcile_payment":
        label = next(lb for lb in truth.reconciliation if lb.kind == CaseKind.EXACT_NUMBER)
        return {"transaction": label.transaction_id}
    if tool == "reconcile_unmatched":
        return {"date_from": "2025-01-01", "date_to": TODAY.isoformat(), "dry_run": False}
    if tool == "merge_counterparties":
        group = next(g for g in truth.duplicate_groups if g.tier == DuplicateTier.STRONG)
        return {"survivor": group.member_ids[0], "duplicates": list(group.member_ids[1:])}
    if tool == "send_invoice_to_ksef":
        return {"invoice": sendable_invoice(sandbox, truth)}
    return {"invoice": truth.ksef_corrections[0].parent_id, "reason": "price changed after the order"}


def test_the_list_covers_every_guarded_workflow_tool() -> None:
    guarded = {s.name for s in registry() if s.toolset == "workflows" and s.preview is not None}
    assert guarded == set(GUARDED)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tool", GUARDED)
async def test_a_declined_confirmation_changes_nothing(
    tool: str, mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    asked: list[str] = []

    async def decline(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="decline")

    async with Client(make_server(), mode=mode, elicitation_callback=decline) as client:
        answer = body(await client.call_tool(tool, arguments_for(tool, truth, sandbox)))
    assert answer["status"] == "declined"
    assert len(asked) == 1 and "Carry this out?" in asked[0]
    assert writes(sandbox) == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tool", GUARDED)
async def test_without_a_token_only_a_preview_comes_back(
    tool: str, mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    async with Client(make_server(), mode=mode) as client:
        answer = body(await client.call_tool(tool, arguments_for(tool, truth, sandbox)))
        forged = await client.call_tool(tool, {**arguments_for(tool, truth, sandbox), "confirmation_token": "x.y"})
    assert answer["status"] == "confirmation_required" and answer["preview"]["details"]
    assert answer["confirmation_token"]
    assert forged.is_error
    assert writes(sandbox) == []


async def test_an_invoice_edited_while_the_user_reads_the_preview_is_not_sent(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    # Asked mid-call, the person may take minutes: what they approved is read again before anything leaves.
    invoice = sendable_invoice(sandbox, truth)
    asked: list[str] = []

    async def edit_then_accept(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        headers = {"Authorization": f"Bearer {sandbox.config.token}", "Content-Type": "application/merge-patch+json"}
        transport = httpx2.ASGITransport(app=sandbox.app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://sandbox.test", headers=headers) as other:
            answer = await other.patch(f"/invoices/{invoice}", json={"dueDate": "2031-01-31"})
        assert answer.status_code == 200, answer.text
        return ElicitResult(action="accept", content={"confirm": True})

    async with Client(make_server(), mode="legacy", elicitation_callback=edit_then_accept) as client:
        result = await client.call_tool("send_invoice_to_ksef", {"invoice": invoice})
    assert len(asked) == 1
    assert result.is_error and "changed while the user read the preview" in error_text(result)
    assert [w for w in writes(sandbox) if w[1] != f"/invoices/{invoice}"] == [], "nothing was sent to KSeF"
