"""Reconciling every unapplied incoming payment of a period at once.

A dry run (the default) only proposes: confident matches, ones needing review, and ones with no match and why.
With ``dry_run=false`` the confident matches are applied after confirmation. The preview shows one line per payment
(the invoices and amounts it goes to, a partial payment's remainder, an over-payment's credit), those warnings, and
totals per currency (`batch_text.py`). The approved plan (`batch_plan.py`) is what runs: just before writing, the
payments' applications and the invoices the writes touch are read once for the whole batch, and a payment whose
records changed since the preview is skipped with the reason while the rest is written (`batch_apply.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from flowtly_mcp.api.endpoints import (
    CREATE_APPLIED_PAYMENT,
    LIST_APPLIED_PAYMENTS,
    LIST_TRANSACTIONS,
)
from flowtly_mcp.finance.matching import Outcome, Plan, reconcile_all
from flowtly_mcp.finance.records import BankTransaction, InvoiceView, with_payment_currency
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.loading import Listing, Progress, read_views
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Planned, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.reconciliation import batch_text
from flowtly_mcp.tools.reconciliation import models as m
from flowtly_mcp.tools.reconciliation.batch_apply import execute_approved
from flowtly_mcp.tools.reconciliation.batch_plan import BatchApproval, batch_approval
from flowtly_mcp.tools.reconciliation.matching_data import (
    READ_OPERATIONS,
    allocation_out,
    lists_applications,
    load_matching,
)

TOOLSET = "workflows"
MAX_REASONS = 3


@dataclass(frozen=True)
class BatchPlan:
    """A matcher run over the period: every outcome, with what it was computed from."""

    window: tuple[date, date]
    plan: Plan
    transactions: dict[str, BankTransaction]
    invoices: dict[str, InvoiceView]
    already_applied: int
    warnings: list[str]

    def approval(self) -> BatchApproval:
        return batch_approval(self.window, self.plan.outcomes, self.transactions, self.invoices, self.already_applied)


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
    window = (args.date_from, args.date_to)
    return BatchPlan(window, plan, {t.id: t for t in pending}, data.invoices, already, data.warnings)


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


def _proposals(batch: BatchPlan) -> m.UnmatchedOut:
    by_status: dict[str, list[m.BatchItemOut]] = {"auto": [], "review": [], "no_match": []}
    for outcome in batch.plan.outcomes:
        by_status[outcome.status].append(_item(outcome, batch.transactions[outcome.transaction_id]))
    counts = {status: len(items) for status, items in by_status.items()}
    counts["already_applied"] = batch.already_applied
    approval = batch.approval()
    return m.UnmatchedOut(
        dry_run=True,
        counts=counts,
        totals=batch_text.totals(approval.payments, approval.unknown_currency),
        auto=by_status["auto"],
        review=by_status["review"],
        no_match=by_status["no_match"],
        warnings=batch.warnings,
    )


async def _preview(inv: Invocation, args: m.ReconcileUnmatchedInput) -> Preview | None:
    if args.dry_run:
        return None
    batch = await plan_batch(inv, args, Progress.silent())
    approval = batch.approval()
    payments = approval.payments
    warnings = batch_text.warnings(payments, approval.unknown_currency)
    if not payments:
        warnings.insert(0, "Nothing would be applied: no payment has a confident match.")
    return Preview(
        action="Apply confident payment matches",
        target=f"incoming transactions {args.date_from.isoformat()}..{args.date_to.isoformat()}",
        details={
            "apply": [batch_text.payment_line(payment) for payment in payments],
            "totals": batch_text.totals(payments, approval.unknown_currency),
            "left_for_review": approval.review,
            "no_match": approval.no_match,
            "already_applied": approval.already_applied,
        },
        warnings=warnings,
        fingerprint=fingerprint(approval.state()),
        plan=approval,
    )


async def recheck_batch(_: Invocation, approval: BatchApproval) -> str:
    """The approved plan's own fingerprint: a batch is re-checked per payment as it is written, not as a whole.

    Its records are read once, just before writing (`batch_apply.read_fresh`): a payment whose invoices changed, or
    that someone applied meanwhile, is skipped with the reason, and the rest of the approved batch is written. So
    one changed invoice among a thousand costs that one payment, not the whole approval.
    """
    return fingerprint(approval.state())


async def execute_batch(inv: Invocation, _: m.ReconcileUnmatchedInput, approval: BatchApproval) -> m.UnmatchedOut:
    """Apply exactly the approved matches that still hold."""
    return await execute_approved(inv, approval, Progress(inv))


async def _reconcile_unmatched(inv: Invocation, args: m.ReconcileUnmatchedInput) -> m.UnmatchedOut:
    progress = Progress(inv)
    batch = await plan_batch(inv, args, progress)
    if args.dry_run:
        return _proposals(batch)
    progress.next_phase()
    # Reached with dry_run=false only under FLOWTLY_CONFIRM=off: no preview was shown, so no plan was approved, and
    # the plan just made is written (every confirmed channel executes its approved plan through `execute_batch`).
    result = await execute_approved(inv, batch.approval(), progress)
    result.warnings = [*batch.warnings, *result.warnings]
    return result


def batch_specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="reconcile_unmatched",
        title="Reconcile unmatched payments",
        description="Match every unapplied incoming payment of a period; dry_run=false applies confident matches.",
        toolset=TOOLSET,
        risk=Risk.WRITE,
        operations=(
            LIST_TRANSACTIONS.operation,
            LIST_APPLIED_PAYMENTS.operation,
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
