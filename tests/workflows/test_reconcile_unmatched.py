"""reconcile_unmatched: proposals for a whole period, applying only confident ones, never twice."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx2
import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth

from .conftest import MODES, TODAY, ServerFactory, applied_to, body, confirmed, error_text, writes
from .test_reconcile_payment import REFERENCED

pytestmark = pytest.mark.anyio
PERIOD = {"date_from": "2025-01-01", "date_to": TODAY.isoformat()}


def by_transaction(result: dict[str, Any], status: str) -> dict[str, list[tuple[str, Decimal]]]:
    return {
        item["transaction"]: [(a["invoice"], Decimal(a["amount"])) for a in item["allocations"]]
        for item in result[status]
    }


def applied_ids(result: dict[str, Any]) -> list[str]:
    """The transactions of a confirmed batch's `applied` lines (each line starts with its transaction)."""
    return [line.split(" ", 1)[0] for line in result["applied"]]


async def test_dry_run_proposes_only_right_matches_and_explains_the_rest(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    async with Client(make_server()) as client:
        outcome = body(await client.call_tool("reconcile_unmatched", PERIOD))
    assert outcome["status"] == "done", "a dry run needs no confirmation"
    result = outcome["result"]
    assert writes(sandbox) == []
    labels = {label.transaction_id: label for label in truth.reconciliation}
    auto = by_transaction(result, "auto")
    for transaction, allocations in auto.items():
        label = labels.get(transaction)
        assert label is not None and label.allocations is not None, f"{transaction} applied without a right answer"
        assert allocations == [(str(a.invoice_id), a.amount) for a in label.allocations]
    for label in truth.reconciliation:
        if label.kind in REFERENCED:
            assert label.transaction_id in auto, label.kind
        if label.allocations is None:
            assert label.transaction_id not in auto, label.kind
    no_match = {item["transaction"]: item for item in result["no_match"]}
    for label in truth.reconciliation:
        if label.kind == CaseKind.UNRELATED:
            assert no_match[label.transaction_id]["reasons"], "every unmatched payment says why"
    assert result["counts"]["auto"] == len(auto)
    assert result["counts"]["already_applied"] > 0, "payments applied in the seed are left alone"


@pytest.mark.parametrize("mode", MODES)
async def test_confident_matches_are_applied_after_confirmation_and_only_once(
    mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    arguments = {**PERIOD, "dry_run": False}
    async with Client(make_server(), mode=mode) as client:
        first = body(await client.call_tool("reconcile_unmatched", arguments))
        assert first["status"] == "confirmation_required"
        listed = first["preview"]["details"]["apply"]
        assert writes(sandbox) == []

        seen: list[float] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append(progress)

        done = body(
            await client.call_tool(
                "reconcile_unmatched",
                {**arguments, "confirmation_token": first["confirmation_token"]},
                progress_callback=on_progress,
            )
        )
        assert seen and all(a < b for a, b in zip(seen, seen[1:], strict=False)), "progress only goes up"
        assert done["status"] == "done"
        applied = applied_ids(done["result"])
        assert sorted(applied) == sorted(line.split(" ", 1)[0] for line in listed), "each payment once, as previewed"
        assert len(set(applied)) == len(applied) == done["result"]["counts"]["applied"]
        assert done["result"]["skipped"] == []
        posts = [w for w in writes(sandbox) if w[:2] == ("POST", "/invoice-transactions")]
        assert len(posts) == sum(len(applied_to(sandbox, t)) for t in applied) == len(writes(sandbox))
        for label in truth.reconciliation:
            if label.transaction_id in applied:
                stored = applied_to(sandbox, label.transaction_id)
                assert sorted(Decimal(str(r["amount"])) for r in stored) == sorted(
                    a.amount for a in label.allocations or ()
                )
                line = next(x for x in done["result"]["applied"] if x.startswith(label.transaction_id + " "))
                assert all(f"record {r['id']}" in line for r in stored), "the line names every record written"

        again = body(await client.call_tool("reconcile_unmatched", PERIOD))["result"]
        assert again["counts"]["auto"] == 0
        assert again["counts"]["already_applied"] >= done["result"]["counts"]["already_applied"] + len(applied)
        writes_before = len(writes(sandbox))
        repeat = await confirmed(client, "reconcile_unmatched", arguments)
        assert repeat["applied"] == []
        assert len(writes(sandbox)) == writes_before


class MeddlesBeforeTheWrites(httpx2.AsyncBaseTransport):
    """Another user changes the books while the batch re-reads its records, just before writing.

    The batch's own fresh read starts with the invoice-transactions of its payments: the change lands just before it.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.inner = httpx2.ASGITransport(app=sandbox.app)
        self.target: str | None = None
        self.invoice: str | None = None  # set: the target's invoice gets a payment of someone else instead
        self.done = False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.target and not self.done and request.method == "GET" and request.url.path == "/invoice-transactions":
            self.done = True
            await self._apply(self.target)
        return await self.inner.handle_async_request(request)

    async def _apply(self, transaction: str) -> None:
        record = self.sandbox.store.get("transactions", transaction)
        assert record is not None
        if self.invoice is not None:
            body: dict[str, Any] = {"invoice": f"/api/invoices/{self.invoice}", "transaction": None}
        else:
            invoice = next(r for r in self.sandbox.store.all("invoices") if r.get("status") != "draft")
            body = {"invoice": f"/api/invoices/{invoice['id']}", "transaction": f"/api/transactions/{transaction}"}
        headers = {"Authorization": f"Bearer {self.sandbox.config.token}"}
        async with httpx2.AsyncClient(transport=self.inner, base_url="http://sandbox.test", headers=headers) as other:
            answer = await other.post(
                "/invoice-transactions",
                json={**body, "amount": 1, "date": str(record["execDate"])},
                headers={"Content-Type": "application/ld+json"},
            )
        assert answer.status_code == 201, answer.text


async def _first_auto(client: Client) -> str:
    proposals = body(await client.call_tool("reconcile_unmatched", PERIOD))["result"]
    return str(proposals["auto"][0]["transaction"])


async def test_a_payment_applied_meanwhile_is_skipped_not_applied_twice(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    # Without a kept plan (confirmation off), the plan just made is written the same way, after the same re-read.
    meddler = MeddlesBeforeTheWrites(sandbox)
    async with Client(make_server(transport=meddler, FLOWTLY_CONFIRM="off")) as client:
        meddler.target = await _first_auto(client)
        result = body(await client.call_tool("reconcile_unmatched", {**PERIOD, "dry_run": False}))["result"]
    assert meddler.done
    skipped = {item["transaction"]: item["reason"] for item in result["skipped"]}
    assert "already applied" in skipped[meddler.target]
    assert meddler.target not in applied_ids(result)
    assert len(applied_to(sandbox, meddler.target)) == 1, "only the other user's application exists"
    assert result["applied"], "the rest of the batch is written"


@pytest.mark.parametrize("mode", MODES)
async def test_an_approved_payment_applied_meanwhile_is_skipped_and_the_rest_written(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    meddler = MeddlesBeforeTheWrites(sandbox)
    async with Client(make_server(transport=meddler), mode=mode) as client:
        arguments = {**PERIOD, "dry_run": False}
        first = body(await client.call_tool("reconcile_unmatched", arguments))
        listed = [line.split(" ", 1)[0] for line in first["preview"]["details"]["apply"]]
        meddler.target = listed[0]
        token = first["confirmation_token"]
        result = body(await client.call_tool("reconcile_unmatched", {**arguments, "confirmation_token": token}))
    done = result["result"]
    assert meddler.done
    assert [(s["transaction"], "already applied" in s["reason"]) for s in done["skipped"]] == [(listed[0], True)]
    assert sorted(applied_ids(done)) == sorted(listed[1:]), "every other approved payment is written, once"
    assert len(applied_to(sandbox, listed[0])) == 1, "only the other user's application exists"


async def test_a_payment_whose_invoice_changed_since_the_preview_is_refused_alone(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    meddler = MeddlesBeforeTheWrites(sandbox)
    async with Client(make_server(transport=meddler)) as client:
        arguments = {**PERIOD, "dry_run": False}
        first = body(await client.call_tool("reconcile_unmatched", arguments))
        dry = body(await client.call_tool("reconcile_unmatched", PERIOD))["result"]
        target = dry["auto"][0]
        meddler.target = target["transaction"]
        meddler.invoice = target["allocations"][0]["invoice"]
        writes_before = len(writes(sandbox))
        token = first["confirmation_token"]
        done = body(await client.call_tool("reconcile_unmatched", {**arguments, "confirmation_token": token}))["result"]
    [skipped] = done["skipped"]
    assert skipped["transaction"] == target["transaction"]
    assert "changed since the preview" in skipped["reason"], skipped
    assert applied_to(sandbox, target["transaction"]) == [], "nothing written on stale figures"
    assert len(applied_ids(done)) == len(first["preview"]["details"]["apply"]) - 1
    assert len(writes(sandbox)) == writes_before + 1 + sum(len(applied_to(sandbox, t)) for t in applied_ids(done))


async def test_a_confirmed_batch_reads_once_and_writes_what_was_approved(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    arguments = {**PERIOD, "dry_run": False}
    async with Client(make_server()) as client:
        start = len(sandbox.request_log)
        first = body(await client.call_tool("reconcile_unmatched", arguments))
        preview = sandbox.request_log[start:]
        start = len(sandbox.request_log)
        token = first["confirmation_token"]
        done = body(await client.call_tool("reconcile_unmatched", {**arguments, "confirmation_token": token}))
        confirm = sandbox.request_log[start:]
    applied = applied_ids(done["result"])
    written = [e for e in confirm if e[0] != "GET"]
    assert len(written) == sum(len(applied_to(sandbox, t)) for t in applied) > 0
    reads = [e for e in confirm if e[0] == "GET"]
    # The payments' applications and the touched invoices, a few filtered listings for the whole batch: no read per
    # payment, no listing of the period's transactions again.
    assert {e[1] for e in reads} == {"/invoice-transactions", "/invoices"}
    chunks = -(-len(applied) // 50) + -(-len(written) // 50)  # 50 ids a request: payments, then touched invoices
    assert len(reads) <= chunks
    assert len(reads) < len([e for e in preview if e[0] == "GET"])


async def test_a_reversed_period_is_refused_before_any_request(sandbox: Sandbox, make_server: ServerFactory) -> None:
    async with Client(make_server()) as client:
        refused = await client.call_tool("reconcile_unmatched", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "date_to" in error_text(refused)
    assert sandbox.request_log == []


class FailsOnSecondPayment(httpx2.AsyncBaseTransport):
    """The server fails (HTTP 500) on the first write for the second payment being applied."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.inner = httpx2.ASGITransport(app=sandbox.app)
        self.seen: list[str] = []
        self.failed: str | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST" and request.url.path == "/invoice-transactions" and self.failed is None:
            transaction = json.loads(await request.aread())["transaction"].rsplit("/", 1)[-1]
            if transaction not in self.seen:
                self.seen.append(transaction)
            if len(self.seen) == 2:
                self.failed = transaction
                return httpx2.Response(500, json={"title": "An error occurred", "detail": "Internal Server Error"})
        return await self.inner.handle_async_request(request)


async def test_a_failing_write_stops_the_batch_and_reports_what_was_applied(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    failing = FailsOnSecondPayment(sandbox)
    async with Client(make_server(transport=failing)) as client:
        result = await confirmed(client, "reconcile_unmatched", {**PERIOD, "dry_run": False})
    applied = applied_ids(result)
    assert failing.failed is not None and failing.failed not in applied
    assert applied_to(sandbox, failing.failed) == [], "nothing written for the payment that failed"
    [skipped] = result["skipped"]
    assert skipped["transaction"] == failing.failed and "500" in skipped["reason"]
    # Payments are written a few at a time: those in flight finish and are reported; no new one starts.
    written = {t for t in failing.seen if applied_to(sandbox, t)}
    assert set(applied) == written and len(applied) == len(set(applied)), "every write reported, once"
    counts = result["counts"]
    assert counts["not_attempted"] > 0 and counts["applied"] + 1 + counts["not_attempted"] == counts["auto"]
    assert any("Stopped after a failure" in warning for warning in result["warnings"])
