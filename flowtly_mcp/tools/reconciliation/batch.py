"""Reconciling every unapplied incoming payment of a period at once.

A dry run (the default) only proposes: confident matches, ones needing review, and ones with no match and why.
With ``dry_run=false`` the confident matches are applied after confirmation (its preview lists them), exactly as
previewed: confirming re-reads the invoices and the period's payments once for the whole batch and refuses when any
of the plan's records changed. Without a kept plan (elicitation, confirmation off) the same one read decides per
payment, so a payment someone applied in the meantime is skipped rather than applied twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api.endpoints import CREATE_APPLIED_PAYMENT, LIST_INVOICES, LIST_TRANSACTIONS
from flowtly_mcp.finance.matching import Outcome, Plan, reconcile_all
from flowtly_mcp.finance.records import BankTransaction, InvoiceView, with_payment_currency
from flowtly_mcp.tools.kernel.errors import ToolRefused, describe_failure
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.loading import Listing, Progress, fetch_many, read_views
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Planned, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import decimal_text
from flowtly_mcp.tools.reconciliation import models as m
from flowtly_mcp.tools.reconciliation.matching_data import (
    READ_OPERATIONS,
    allocation_out,
    lists_applications,
    load_matching,
)
from flowtly_mcp.tools.reconciliation.payment import apply_allocations, targets

TOOLSET = "workflows"
MAX_REASONS = 3


@dataclass(frozen=True)
class BatchPlan:
    plan: Plan
    transactions: dict[str, BankTransaction]
    invoices: dict[str, InvoiceView]
    already_applied: int
    warnings: list[str]


def _transaction_listing(date_from: date, date_to: date) -> Listing:
    # Bookings carry a time of day on some servers: "before the next day" keeps all of the last day.
    params = {
        "execDate[after]": date_from.isoformat(),
        "execDate[strictly_before]": (date_to + timedelta(days=1)).isoformat(),
        "amount[gt]": "0",
    }
    return Listing(LIST_TRANSACTIONS, params)


async def plan_batch(inv: Invocation, args: m.ReconcileUnmatchedInput, progress: Progress) -> BatchPlan:
    listings = {"transactions": _transaction_listing(args.date_from, args.date_to)}
    data = await load_matching(inv, progress, listings)
    records = data.extra["transactions"]
    # Each payment's currency as the matcher derives it (from the account it arrived in); unknown stays unknown, and
    # the matcher then lists the payment under no_match with the reason.
    accounts = data.index.account_currencies
    read = read_views(records, BankTransaction.from_api, data.warnings)
    transactions = [with_payment_currency(transaction, accounts) for transaction in read]
    linked = {str(r.get("id")) for r in records if lists_applications(r)}
    pending: list[BankTransaction] = []
    already = 0
    for transaction in transactions:
        # The filters above are re-checked: a server that ignores one must not widen the batch.
        if not (args.date_from <= transaction.date <= args.date_to) or transaction.amount <= 0:
            continue
        if transaction.id in data.applied or transaction.id in linked:
            already += 1
            continue
        pending.append(transaction)
    plan = reconcile_all(pending, data.index)
    return BatchPlan(plan, {t.id: t for t in pending}, data.invoices, already, data.warnings)


def _item(outcome: Outcome, transaction: BankTransaction) -> m.BatchItemOut:
    best = outcome.candidates[0] if outcome.candidates else None
    reasons = list(outcome.reasons) if outcome.status != "auto" else list(best.reasons if best else ())
    return m.BatchItemOut(
        transaction=transaction.id,
        date=transaction.date,
        amount=transaction.amount,
        currency=transaction.currency,
        confidence=best.confidence if best else None,
        allocations=[allocation_out(a) for a in best.allocations] if best else [],
        reasons=reasons[:MAX_REASONS],
    )


def _proposals(batch: BatchPlan, dry_run: bool) -> m.UnmatchedOut:
    by_status: dict[str, list[m.BatchItemOut]] = {"auto": [], "review": [], "no_match": []}
    for outcome in batch.plan.outcomes:
        by_status[outcome.status].append(_item(outcome, batch.transactions[outcome.transaction_id]))
    counts = {status: len(items) for status, items in by_status.items()}
    counts["already_applied"] = batch.already_applied
    return m.UnmatchedOut(
        dry_run=dry_run,
        counts=counts,
        auto=by_status["auto"],
        review=by_status["review"],
        no_match=by_status["no_match"],
        warnings=batch.warnings,
    )


def _auto(batch: BatchPlan) -> list[Outcome]:
    ordered = sorted(
        batch.plan.with_status("auto"), key=lambda o: (batch.transactions[o.transaction_id].date, o.transaction_id)
    )
    return [outcome for outcome in ordered if outcome.chosen is not None]


def _state(batch: BatchPlan, open_now: dict[str, Decimal]) -> list[Any]:
    """What a confirmation depends on: each payment to apply and the open amounts of the invoices it lands on."""
    state: list[Any] = []
    for outcome in _auto(batch):
        assert outcome.chosen is not None
        state.append(
            [
                outcome.transaction_id,
                [(a.invoice_id, str(open_now.get(a.invoice_id))) for a in outcome.chosen.allocations],
            ]
        )
    return state


async def _preview(inv: Invocation, args: m.ReconcileUnmatchedInput) -> Preview | None:
    if args.dry_run:
        return None
    batch = await plan_batch(inv, args, Progress.silent())
    apply = []
    warnings: list[str] = []
    for outcome in _auto(batch):
        transaction = batch.transactions[outcome.transaction_id]
        assert outcome.chosen is not None
        apply.append(
            f"{transaction.id} ({transaction.date.isoformat()}, {decimal_text(transaction.amount)} "
            f"{transaction.currency}): {targets(outcome.chosen.allocations)}"
        )
        if outcome.chosen.excess:
            # The same warning reconcile_payment gives for one payment.
            warnings.append(
                f"over-payment: {transaction.id}: {decimal_text(outcome.chosen.excess)} {transaction.currency} "
                "stays on the transaction as a credit"
            )
    counts = batch.plan.counts
    return Preview(
        action="Apply confident payment matches",
        target=f"incoming transactions {args.date_from.isoformat()}..{args.date_to.isoformat()}",
        details={
            "apply": apply,
            "left_for_review": counts["review"],
            "no_match": counts["no_match"],
            "already_applied": batch.already_applied,
        },
        warnings=warnings if apply else ["Nothing would be applied: no payment has a confident match."],
        fingerprint=fingerprint(_state(batch, {i: v.open for i, v in batch.invoices.items()})),
        plan=BatchApproval(args, batch),
    )


@dataclass(frozen=True)
class BatchApproval:
    args: m.ReconcileUnmatchedInput
    batch: BatchPlan


@dataclass(frozen=True)
class Snapshot:
    """The touched records as they are now, read in one sweep per batch (never once per payment)."""

    open_now: dict[str, Decimal]
    applied: frozenset[str]


async def _snapshot(inv: Invocation, args: m.ReconcileUnmatchedInput, progress: Progress) -> Snapshot:
    # The same listings the preview read for these records: invoices (with the payments applied to them) and the
    # period's transactions (with their invoice-transactions); no read per payment, whatever the API filters.
    listings = {"invoices": Listing(LIST_INVOICES), "transactions": _transaction_listing(args.date_from, args.date_to)}
    records = await fetch_many(inv, listings, "re-reading the invoices and payments of the plan", progress)
    warnings: list[str] = []
    invoices = read_views(records["invoices"], InvoiceView.from_api, warnings)
    applied = {p.transaction_id for i in invoices for p in i.payments if p.transaction_id}
    applied |= {str(r.get("id")) for r in records["transactions"] if lists_applications(r)}
    return Snapshot({i.id: i.open for i in invoices}, frozenset(applied))


async def recheck_batch(inv: Invocation, approval: BatchApproval) -> str:
    snapshot = await _snapshot(inv, approval.args, Progress.silent())
    if any(o.transaction_id in snapshot.applied for o in _auto(approval.batch)):
        return "a payment of the plan was applied since"  # never a fingerprint: the confirmation is refused
    return fingerprint(_state(approval.batch, snapshot.open_now))


async def execute_batch(inv: Invocation, _: m.ReconcileUnmatchedInput, approval: BatchApproval) -> m.UnmatchedOut:
    """Apply exactly the approved matches: their records were re-checked, as a whole, just before."""
    return await _apply(inv, approval.batch, None, Progress(inv))


async def _reconcile_unmatched(inv: Invocation, args: m.ReconcileUnmatchedInput) -> m.UnmatchedOut:
    progress = Progress(inv)
    batch = await plan_batch(inv, args, progress)
    if args.dry_run:
        return _proposals(batch, True)
    progress.next_phase()
    # Confirmed without a kept plan (elicitation, or confirmation off): re-read the touched records once.
    snapshot = await _snapshot(inv, args, Progress.silent())
    return await _apply(inv, batch, snapshot, progress)


async def _apply(inv: Invocation, batch: BatchPlan, snapshot: Snapshot | None, progress: Progress) -> m.UnmatchedOut:
    result = _proposals(batch, False)
    # Once applying, each confident match is reported once: in `applied`, or in `skipped` with the reason.
    result.auto = []
    auto = _auto(batch)
    for done, outcome in enumerate(auto):
        transaction = batch.transactions[outcome.transaction_id]
        assert outcome.chosen is not None
        try:
            reason = _why_not_now(snapshot, outcome) if snapshot is not None else None
            if reason is not None:
                result.skipped.append(m.SkippedOut(transaction=transaction.id, reason=reason))
                continue
            created = await apply_allocations(inv, transaction, list(outcome.chosen.allocations))
        except ToolRefused as partial:
            result.skipped.append(m.SkippedOut(transaction=transaction.id, reason=str(partial)))
            continue
        except api_errors.ApiError as failure:
            # What was applied so far must still be reported: stop here instead of failing the whole call.
            result.skipped.append(
                m.SkippedOut(transaction=transaction.id, reason=describe_failure(failure, "reconcile_unmatched"))
            )
            result.warnings.append(
                f"Stopped after a failure; {len(auto) - done - 1} confident matches were not attempted. "
                "Run a dry run to see what is left."
            )
            break
        item = _item(outcome, transaction)
        item.allocations = created
        result.applied.append(item)
        await progress.report(done + 1, len(auto), f"applied {done + 1} of {len(auto)}")
    return result


def _why_not_now(snapshot: Snapshot, outcome: Outcome) -> str | None:
    """Why a payment must not be written now, judged on the batch's one fresh read; None when it may."""
    if outcome.transaction_id in snapshot.applied:
        return "already applied (found when re-reading before writing)"
    assert outcome.chosen is not None
    for allocation in outcome.chosen.allocations:
        open_now = snapshot.open_now.get(allocation.invoice_id)
        if open_now is None:
            return f"invoice {allocation.invoice_id} cannot be read again"
        if open_now < allocation.amount:
            return (
                f"invoice {allocation.invoice_number or allocation.invoice_id} now has {open_now} open, "
                f"less than the {allocation.amount} to apply"
            )
    return None


def batch_specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="reconcile_unmatched",
        title="Reconcile unmatched payments",
        description="Match every unapplied incoming payment of a period; dry_run=false applies confident matches.",
        toolset=TOOLSET,
        risk=Risk.WRITE,
        operations=(
            LIST_TRANSACTIONS.operation,
            CREATE_APPLIED_PAYMENT.operation,
            *READ_OPERATIONS,
        ),
        input_model=m.ReconcileUnmatchedInput,
        output_model=m.UnmatchedOut,
        handler=_reconcile_unmatched,
        preview=_preview,
        planned=Planned(recheck=recheck_batch, execute=execute_batch),
        escalates=True,
        idempotent=False,
    )
