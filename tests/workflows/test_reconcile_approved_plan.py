"""A confirmed batch executes the plan the person approved, in every channel: never a plan made after the approval.

Between the preview and the approval another user applies one of the planned payments through the API. Planning
again would quietly drop that payment from the batch; executing the approved plan reports it skipped, with the
reason, and writes the rest exactly as previewed.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitRequestParams, ElicitResult

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.kernel.quoting import LISTED_LINES

from .conftest import MODES, ServerFactory, applied_to, body
from .test_reconcile_unmatched import PERIOD, MeddlesBeforeTheWrites, applied_ids

pytestmark = pytest.mark.anyio
ARGUMENTS = {**PERIOD, "dry_run": False}


async def planned_payments(client: Client) -> list[str]:
    proposals = body(await client.call_tool("reconcile_unmatched", PERIOD))["result"]
    return sorted(str(item["transaction"]) for item in proposals["auto"])


def applied_lines(question: str) -> list[str]:
    """The transactions of the question's `apply` list, one a line."""
    lines = question.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("  | apply ("))
    shown = []
    for line in lines[start + 1 :]:
        if not line.startswith('  |   - "'):
            break
        shown.append(line.split('"', 2)[1].split(" ", 1)[0])
    return shown


def assert_the_approved_plan_ran(sandbox: Sandbox, done: dict[str, Any], planned: list[str]) -> None:
    target = planned[0]
    assert [(s["transaction"], "already applied" in s["reason"]) for s in done["skipped"]] == [(target, True)]
    assert sorted(applied_ids(done)) == planned[1:], "every other approved payment is written, once"
    assert len(applied_to(sandbox, target)) == 1, "only the other user's application exists"


@pytest.mark.parametrize("policy", ["auto", "agent"])
@pytest.mark.parametrize("mode", MODES)
async def test_a_form_elicitation_executes_the_plan_it_showed(
    mode: str, policy: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    other_user = MeddlesBeforeTheWrites(sandbox)
    asked: list[str] = []
    planned: list[str] = []

    async def approve_after_a_change(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        if len(asked) == 1:
            await other_user._apply(planned[0])  # the books move while the person reads the preview
        return ElicitResult(action="accept", content={"confirm": True})

    server = make_server(FLOWTLY_CONFIRM=policy)
    async with Client(server, mode=mode, elicitation_callback=approve_after_a_change) as client:
        planned += await planned_payments(client)
        assert len(planned) > 1
        outcome = body(await client.call_tool("reconcile_unmatched", ARGUMENTS))
    assert outcome["status"] == "done", outcome
    assert len(asked) == 1, "the person is asked once, about the plan that runs"
    shown = applied_lines(asked[0])
    assert set(shown) <= set(planned) and len(shown) == min(len(planned), LISTED_LINES), "one payment a line"
    assert_the_approved_plan_ran(sandbox, outcome["result"], planned)


@pytest.mark.parametrize("mode", MODES)
async def test_an_agent_token_executes_the_plan_kept_with_it(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    other_user = MeddlesBeforeTheWrites(sandbox)
    async with Client(make_server(FLOWTLY_CONFIRM="agent"), mode=mode) as client:
        planned = await planned_payments(client)
        first = body(await client.call_tool("reconcile_unmatched", ARGUMENTS))
        assert sorted(line.split(" ", 1)[0] for line in first["preview"]["details"]["apply"]) == planned
        await other_user._apply(planned[0])
        token = first["confirmation_token"]
        done = body(await client.call_tool("reconcile_unmatched", {**ARGUMENTS, "confirmation_token": token}))
    assert done["status"] == "done", done
    assert_the_approved_plan_ran(sandbox, done["result"], planned)
