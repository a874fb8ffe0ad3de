"""suggest_payment_matches and reconcile_payment against the planted transfers of the seeded sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth, ReconciliationLabel

from .conftest import MODES, ServerFactory, applied_to, body, confirmed, error_text, invoice_view, writes

pytestmark = pytest.mark.anyio

# A reference in the title (or a split-payment header) identifies the invoice: these must match automatically.
REFERENCED = {CaseKind.MPP, CaseKind.EXACT_NUMBER, CaseKind.TYPO_NUMBER, CaseKind.PARTIAL, CaseKind.OVERPAYMENT}
REFERENCED |= {CaseKind.EUR}


def labelled(truth: GroundTruth, kind: CaseKind) -> ReconciliationLabel:
    return next(label for label in truth.reconciliation if label.kind == kind)


def expected(label: ReconciliationLabel) -> list[tuple[str, Decimal]]:
    assert label.allocations is not None
    return [(str(a.invoice_id), a.amount) for a in label.allocations]


def allocations_of(candidate: dict[str, object]) -> list[tuple[str, Decimal]]:
    return [(a["invoice"], Decimal(a["amount"])) for a in candidate["allocations"]]  # type: ignore[attr-defined]


async def test_every_planted_transfer_gets_its_right_answer(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    async with Client(make_server()) as client:
        for label in truth.reconciliation:
            found = body(await client.call_tool("suggest_payment_matches", {"transaction": label.transaction_id}))
            assert found["payment"]["id"] == label.transaction_id
            if label.allocations is None:
                assert found["status"] != "auto", (label.kind, found)
                continue
            assert found["candidates"], (label.kind, found)
            best = found["candidates"][0]
            assert allocations_of(best) == expected(label), (label.kind, best)
            assert Decimal(best["excess"]) == label.unallocated, label.kind
            assert best["reasons"] and 0 < best["confidence"] <= 1
            if label.kind in REFERENCED:
                assert found["status"] == "auto", (label.kind, found["reasons"])
    assert writes(sandbox) == [], "suggesting must not write"


async def test_no_match_says_why(make_server: ServerFactory, truth: GroundTruth) -> None:
    label = labelled(truth, CaseKind.UNRELATED)
    async with Client(make_server()) as client:
        found = body(await client.call_tool("suggest_payment_matches", {"transaction": label.transaction_id}))
    assert found["status"] == "no_match"
    assert found["candidates"] == []
    assert found["reasons"], "an unmatched payment explains itself"


@pytest.mark.parametrize("mode", MODES)
async def test_automatic_match_is_applied_once_after_confirmation(
    mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = labelled(truth, CaseKind.EXACT_NUMBER)
    [(invoice_id, amount)] = expected(label)
    async with Client(make_server(), mode=mode) as client:
        first = body(await client.call_tool("reconcile_payment", {"transaction": label.transaction_id}))
        assert first["status"] == "confirmation_required"
        assert first["preview"]["details"]["apply"] == [
            f"{amount} PLN to invoice {invoice_id} " + _number(sandbox, invoice_id)
        ]
        assert writes(sandbox) == [] and applied_to(sandbox, label.transaction_id) == []

        token = first["confirmation_token"]
        done = body(
            await client.call_tool(
                "reconcile_payment", {"transaction": label.transaction_id, "confirmation_token": token}
            )
        )
        assert done["status"] == "done"
        assert done["result"]["source"] == "auto_match"
        [applied] = done["result"]["applied"]
        assert (applied["invoice"], Decimal(applied["amount"]), Decimal(applied["remainder"])) == (
            invoice_id,
            amount,
            Decimal(0),
        )
        assert [w[:2] for w in writes(sandbox)] == [("POST", "/invoice-transactions")]
        assert Decimal(str(invoice_view(sandbox, invoice_id)["openAmount"])) == 0

        replay = await client.call_tool(
            "reconcile_payment", {"transaction": label.transaction_id, "confirmation_token": token}
        )
        assert replay.is_error
        again = await client.call_tool("reconcile_payment", {"transaction": label.transaction_id})
        assert "already applied" in error_text(again)
    assert len(applied_to(sandbox, label.transaction_id)) == 1
    assert len(writes(sandbox)) == 1


def _number(sandbox: Sandbox, invoice_id: str) -> str:
    return f"({invoice_view(sandbox, invoice_id)['name']})"


async def test_partial_payment_leaves_the_rest_open(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = labelled(truth, CaseKind.PARTIAL)
    [(invoice_id, amount)] = expected(label)
    open_before = Decimal(str(invoice_view(sandbox, invoice_id)["openAmount"]))
    assert amount < open_before
    async with Client(make_server()) as client:
        result = await confirmed(client, "reconcile_payment", {"transaction": label.transaction_id})
    [applied] = result["applied"]
    assert Decimal(applied["amount"]) == amount
    assert Decimal(applied["remainder"]) == open_before - amount
    assert Decimal(str(invoice_view(sandbox, invoice_id)["openAmount"])) == open_before - amount
    assert Decimal(result["excess"]) == 0


async def test_over_payment_settles_the_invoice_and_keeps_the_excess(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = labelled(truth, CaseKind.OVERPAYMENT)
    [(invoice_id, amount)] = expected(label)
    async with Client(make_server()) as client:
        result = await confirmed(client, "reconcile_payment", {"transaction": label.transaction_id})
    [applied] = result["applied"]
    assert Decimal(applied["amount"]) == amount
    assert Decimal(result["excess"]) == label.unallocated > 0
    assert Decimal(str(invoice_view(sandbox, invoice_id)["openAmount"])) == 0
    [record] = applied_to(sandbox, label.transaction_id)
    assert Decimal(str(record["amount"])) == amount


async def test_one_transfer_paying_several_invoices(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = next(
        lb for lb in truth.reconciliation if lb.kind == CaseKind.MULTI_INVOICE and len(lb.allocations or ()) == 3
    )
    wanted = expected(label)
    arguments = {"transaction": label.transaction_id, "allocations": [{"invoice": i} for i, _ in wanted]}
    async with Client(make_server()) as client:
        result = await confirmed(client, "reconcile_payment", arguments)
    assert result["source"] == "allocations"
    assert [(a["invoice"], Decimal(a["amount"])) for a in result["applied"]] == wanted
    assert Decimal(result["excess"]) == 0
    assert all(Decimal(str(invoice_view(sandbox, i)["openAmount"])) == 0 for i, _ in wanted)
    assert len(applied_to(sandbox, label.transaction_id)) == 3


async def test_no_automatic_application_of_an_ambiguous_payment(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = labelled(truth, CaseKind.AMBIGUOUS)
    async with Client(make_server()) as client:
        refused = await client.call_tool("reconcile_payment", {"transaction": label.transaction_id})
    text = error_text(refused)
    assert "no confident automatic match" in text and "allocations" in text
    assert writes(sandbox) == []


async def test_allocation_above_the_open_amount_is_refused_naming_it(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = labelled(truth, CaseKind.EXACT_NUMBER)
    [(invoice_id, amount)] = expected(label)
    arguments = {
        "transaction": label.transaction_id,
        "allocations": [{"invoice": invoice_id, "amount": str(amount + 1)}],
    }
    async with Client(make_server()) as client:
        refused = await client.call_tool("reconcile_payment", arguments)
    text = error_text(refused)
    assert "allocations[0]" in text and "open" in text
    assert writes(sandbox) == []


async def test_outgoing_payment_is_not_applied(sandbox: Sandbox, make_server: ServerFactory) -> None:
    outgoing = next(r for r in sandbox.store.all("transactions") if Decimal(str(r["amount"])) < 0)
    async with Client(make_server()) as client:
        refused = await client.call_tool("reconcile_payment", {"transaction": outgoing["id"]})
    assert "money received" in error_text(refused)
    assert writes(sandbox) == []


async def test_elicitation_applies_once_when_the_user_accepts(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    from mcp.types import ElicitRequestParams, ElicitResult

    asked: list[str] = []

    async def accept(context: object, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True})

    label = labelled(truth, CaseKind.MPP)
    async with Client(make_server(), mode="legacy", elicitation_callback=accept) as client:
        done = body(await client.call_tool("reconcile_payment", {"transaction": label.transaction_id}))
    assert done["status"] == "done"
    assert len(asked) == 1 and label.transaction_id in asked[0]
    assert len(applied_to(sandbox, label.transaction_id)) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_confirming_reads_only_the_records_of_the_approved_plan(
    mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    label = labelled(truth, CaseKind.EXACT_NUMBER)
    [(invoice_id, _)] = expected(label)
    async with Client(make_server(FLOWTLY_CONFIRM="agent"), mode=mode) as client:
        start = len(sandbox.request_log)
        first = body(await client.call_tool("reconcile_payment", {"transaction": label.transaction_id}))
        preview_requests = sandbox.request_log[start:]
        start = len(sandbox.request_log)
        token = first["confirmation_token"]
        args = {"transaction": label.transaction_id, "confirmation_token": token}
        done = body(await client.call_tool("reconcile_payment", args))
        confirm_requests = sandbox.request_log[start:]
    assert done["status"] == "done" and done["result"]["applied"][0]["invoice"] == invoice_id
    reads = [(e[0], e[1]) for e in confirm_requests if e[0] == "GET"]
    # The payment, its applications and the one invoice of the plan: no second read of every invoice and client.
    assert [path.split("?")[0] for _, path in reads] == [
        f"/transactions/{label.transaction_id}",
        "/invoice-transactions",
        f"/invoices/{invoice_id}",
    ]
    assert [(e[0], e[1]) for e in confirm_requests if e[0] != "GET"] == [("POST", "/invoice-transactions")]
    assert len(confirm_requests) <= len(preview_requests)
