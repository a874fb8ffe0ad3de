"""Reconciling every unapplied incoming payment of a period at once.

A dry run (the default) only proposes: confident matches, ones needing review, and ones with no match and why.
With ``dry_run=false`` the confident matches are applied after confirmation (its preview lists them). Before
each write the payment's invoice-transactions and the invoices' open amounts are read again, so a payment that
someone applied in the meantime is skipped rather than applied twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api import refs
from flowtly_mcp.finance.matching import Outcome, Plan, reconcile_all
from flowtly_mcp.finance.records import BankTransaction, InvoiceView
from flowtly_mcp.tools.kernel.endpoints import op
from flowtly_mcp.tools.kernel.errors import ToolRefused, describe_failure
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.loading import Listing, Progress
from flowtly_mcp.tools.kernel.registry import Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import decimal_text
from flowtly_mcp.tools.reconciliation import models as m
from flowtly_mcp.tools.reconciliation.matching_data import (
    READ_OPERATIONS,
    allocation_out,
    applications_of,
    lists_applications,
    load_matching,
    transaction_view,
)
from flowtly_mcp.tools.reconciliation.payment import apply_allocations, targets

TOOLSET = "workflows"
LIST_TRANSACTIONS = op("GET", "/transactions")
GET_INVOICE = op("GET", "/invoices/{id}")
LIST_APPLIED = op("GET", "/invoice-transactions")
CREATE_APPLIED = op("POST", "/invoice-transactions")
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
    return Listing("/transactions", params)


async def plan_batch(inv: Invocation, args: m.ReconcileUnmatchedInput, progress: Progress) -> BatchPlan:
    listings = {"transactions": _transaction_listing(args.date_from, args.date_to)}
    data = await load_matching(inv, progress, listings)
    records = data.extra["transactions"]
    transactions: list[BankTransaction] = []
    for record in records:
        try:
            transactions.append(transaction_view(record, data.accounts))
        except ToolRefused as unknown:
            if _received(record) and str(record.get("id")) not in data.applied:
                data.warnings.append(str(unknown))
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


def _received(record: dict[str, Any]) -> bool:
    amount = record.get("amount")
    return isinstance(amount, int | float | Decimal | str) and Decimal(str(amount)) > 0


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


async def _preview(inv: Invocation, args: m.ReconcileUnmatchedInput) -> Preview | None:
    if args.dry_run:
        return None
    batch = await plan_batch(inv, args, Progress.silent())
    apply = []
    warnings: list[str] = []
    state: list[Any] = []
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
        state.append(
            [
                transaction.id,
                [(a.invoice_id, str(batch.invoices[a.invoice_id].open)) for a in outcome.chosen.allocations],
            ]
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
        fingerprint=fingerprint(state),
    )


async def _reconcile_unmatched(inv: Invocation, args: m.ReconcileUnmatchedInput) -> m.UnmatchedOut:
    progress = Progress(inv)
    batch = await plan_batch(inv, args, progress)
    result = _proposals(batch, args.dry_run)
    if args.dry_run:
        return result
    # Once applying, each confident match is reported once: in `applied`, or in `skipped` with the reason.
    result.auto = []
    auto = _auto(batch)
    progress.next_phase()
    for done, outcome in enumerate(auto):
        transaction = batch.transactions[outcome.transaction_id]
        assert outcome.chosen is not None
        try:
            reason = await _why_not_now(inv, transaction, outcome)
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


async def _why_not_now(inv: Invocation, transaction: BankTransaction, outcome: Outcome) -> str | None:
    """Read the payment and its invoices again right before writing; a reason means: do not write."""
    if await applications_of(inv, transaction.id):
        return "already applied (found when re-reading before writing)"
    assert outcome.chosen is not None
    for allocation in outcome.chosen.allocations:
        try:
            invoice = InvoiceView.from_api(await inv.api.get(refs.item_path("invoices", allocation.invoice_id)))
        except ValueError as problem:
            return f"invoice {allocation.invoice_id} cannot be read again ({problem})"
        if invoice.open < allocation.amount:
            return (
                f"invoice {invoice.number or invoice.id} now has {invoice.open} open, "
                f"less than the {allocation.amount} to apply"
            )
    return None


def batch_specs() -> Iterator[ToolSpec]:
    yield ToolSpec(
        name="reconcile_unmatched",
        title="Reconcile unmatched payments",
        description="Match every unapplied incoming payment of a period; dry_run=false applies confident matches.",
        toolset=TOOLSET,
        risk=Risk.WRITE,
        operations=(LIST_TRANSACTIONS, GET_INVOICE, LIST_APPLIED, CREATE_APPLIED, *READ_OPERATIONS),
        input_model=m.ReconcileUnmatchedInput,
        output_model=m.UnmatchedOut,
        handler=_reconcile_unmatched,
        preview=_preview,
        escalates=True,
        idempotent=False,
    )
