"""reconcile_unmatched's preview and confirmed result: one line per payment, warnings, totals per currency.

The seeded period mixes PLN and EUR payments, a partial payment and an over-payment, and payments into an account
whose currency nobody can tell. What the preview shows is checked against the dry run's own figures; the confirmed
result against the sandbox's records.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth

from .conftest import MODES, TODAY, ServerFactory, applied_to, body, server_for

pytestmark = pytest.mark.anyio
PERIOD = {"date_from": "2025-01-01", "date_to": TODAY.isoformat()}


# An account of the organisation that no invoice is payable to: a payment into it has no currency anyone can tell.
UNKNOWN_ACCOUNT = "PL61109010140000071219812874"


def plant_unknown_currency_payment(sandbox: Sandbox) -> str:
    """A transfer that names an open invoice, into the account of unknown currency: it must never be applied."""
    template = sandbox.store.get("transactions", "txn_905")
    assert template is not None
    record = {**template, "id": "txn_unknown_ccy", "bankAccount": UNKNOWN_ACCOUNT, "operationNumber": "UNKNOWN1"}
    sandbox.store.insert("transactions", record)
    return "txn_unknown_ccy"


def line_of(lines: list[str], transaction: str) -> str:
    [line] = [line for line in lines if line.startswith(f"{transaction} ")]
    return line


def total_line(lines: list[str], currency: str) -> str:
    [line] = [line for line in lines if line.startswith(f"{currency}: ")]
    return line


@pytest.mark.parametrize("mode", MODES)
async def test_the_preview_shows_each_payment_its_warnings_and_totals_per_currency(
    mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    arguments = {**PERIOD, "dry_run": False}
    stranger = plant_unknown_currency_payment(sandbox)
    async with Client(make_server(), mode=mode) as client:
        dry = body(await client.call_tool("reconcile_unmatched", PERIOD))["result"]
        answer = await client.call_tool("reconcile_unmatched", arguments)
        first = body(answer)
        done = body(
            await client.call_tool(
                "reconcile_unmatched", {**arguments, "confirmation_token": first["confirmation_token"]}
            )
        )["result"]
    preview = first["preview"]
    apply: list[str] = preview["details"]["apply"]
    auto = {item["transaction"]: item for item in dry["auto"]}

    # One line per confident match, each naming every invoice and amount it goes to.
    assert sorted(line.split(" ", 1)[0] for line in apply) == sorted(auto)
    for transaction, item in auto.items():
        line = line_of(apply, transaction)
        assert f" {item['amount']} {item['currency']} → " in line
        for allocation in item["allocations"]:
            assert f"{allocation['number']} {allocation['amount']}" in line

    # A partial payment and an over-payment: marked on their lines and warned about.
    labels = {label.kind: label for label in truth.reconciliation if label.transaction_id in auto}
    partial, over = labels[CaseKind.PARTIAL], labels[CaseKind.OVERPAYMENT]
    left_open = Decimal(auto[partial.transaction_id]["allocations"][0]["remainder"])
    assert left_open > 0 and f"(partial, {left_open} left open)" in line_of(apply, partial.transaction_id)
    assert any(w.startswith(f"partial: {partial.transaction_id}: {left_open} PLN") for w in preview["warnings"])
    assert f"; over-payment {over.unallocated} PLN stays as a credit" in line_of(apply, over.transaction_id)
    assert any(w.startswith(f"over-payment: {over.transaction_id}: {over.unallocated}") for w in preview["warnings"])

    # Totals per currency, each from its own payments only; the unknown currency counted, never applied.
    received: dict[str, Decimal] = defaultdict(Decimal)
    for item in auto.values():
        received[item["currency"]] += Decimal(item["amount"])
    assert set(received) == {"PLN", "EUR"}, "the seeded period mixes PLN and EUR matches"
    totals: list[str] = preview["details"]["totals"]
    for currency, amount in received.items():
        count = sum(1 for item in auto.values() if item["currency"] == currency)
        assert total_line(totals, currency).startswith(f"{currency}: {count} payments, {amount} received")
    assert f"{sum(received.values())} received" not in " ".join(totals), "PLN and EUR are never added up"
    unknown = [t["transaction"] for status in ("review", "no_match") for t in dry[status] if t["currency"] == "unknown"]
    assert unknown == [stranger] and "unknown currency: 1 payment, not applied" in totals
    assert stranger not in auto and not any(line.startswith(stranger) for line in apply)
    assert any("1 payment of the period in an unknown currency" in w for w in preview["warnings"])

    # The model reads the same, compactly: the preview's text carries every line, about a line's worth per payment.
    text = answer.content[0].text  # type: ignore[union-attr]
    assert all(line in text for line in apply) and all(line in text for line in totals)
    assert len(text) < 600 + 160 * len(apply), f"{len(text)} characters for {len(apply)} payments"

    # Confirmed: each approved payment listed once, with the invoice-transactions written for it.
    applied = [line.split(" ", 1)[0] for line in done["applied"]]
    assert sorted(applied) == sorted(auto) and len(set(applied)) == len(applied)
    assert done["skipped"] == [] and done["auto"] == [] and done["counts"]["applied"] == len(auto)
    for transaction in applied:
        records = applied_to(sandbox, transaction)
        line = line_of(done["applied"], transaction)
        assert records and all(f"record {record['id']}" in line for record in records)
    assert done["totals"] == [line for line in totals if not line.startswith("unknown")]
    assert applied_to(sandbox, stranger) == [], "a payment of unknown currency is never applied"


def _dry_items(result: dict[str, Any]) -> int:
    return sum(len(result[status]) for status in ("auto", "review", "no_match"))


async def test_a_period_without_confident_matches_says_nothing_would_be_applied(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    period = {"date_from": "2019-01-01", "date_to": "2019-01-31"}
    async with Client(make_server()) as client:
        assert _dry_items(body(await client.call_tool("reconcile_unmatched", period))["result"]) == 0
        first = body(await client.call_tool("reconcile_unmatched", {**period, "dry_run": False}))
    preview = first["preview"]
    assert preview["details"]["apply"] == [] and preview["details"]["totals"] == []
    assert preview["warnings"][0].startswith("Nothing would be applied")


async def test_a_batch_previewed_by_one_process_is_confirmed_by_another_as_approved(
    sandbox: Sandbox, tmp_path: Any
) -> None:
    # Two server processes sharing the approval store and the token secret; the second keeps no plan in memory, so
    # it plans again from a full read, and runs only because the plan equals the approved one.
    shared = {"FLOWTLY_STATE_URL": f"sqlite:///{tmp_path / 'state.db'}", "FLOWTLY_CONFIRM_SECRET": "s" * 32}
    arguments = {**PERIOD, "dry_run": False}
    async with Client(server_for(sandbox, tmp_path / "a", **shared)) as one:
        first = body(await one.call_tool("reconcile_unmatched", arguments))
    token = first["confirmation_token"]
    async with Client(server_for(sandbox, tmp_path / "b", **shared)) as other:
        done = body(await other.call_tool("reconcile_unmatched", {**arguments, "confirmation_token": token}))["result"]
    assert [line.split(" ", 1)[0] for line in done["applied"]] == [
        line.split(" ", 1)[0] for line in first["preview"]["details"]["apply"]
    ]
    assert done["skipped"] == []
