"""Executing an approved batch: one fresh read of what the writes depend on, then each payment written or skipped.

Just before writing, two sweeps run for the whole batch, never one read per payment: the invoice-transactions of
the plan's payments (so a payment someone applied meanwhile is not applied twice) and the invoices the writes touch
(so one whose open amount or applications changed since the preview is not settled on stale figures). Each is a
few filtered listings, and read once even when the server ignores the filter (`sweep.py`). A payment whose records
changed is skipped with the reason; the rest of the batch is written. Payments are written a few at a time; each
applied payment is reported once, with the invoice-transactions written for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import anyio

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import LIST_APPLIED_PAYMENTS, LIST_INVOICES
from flowtly_mcp.finance.records import InvoiceView
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.kernel.errors import ToolRefused, describe_failure
from flowtly_mcp.tools.kernel.loading import Progress, Record, gather
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.reconciliation import models as m
from flowtly_mcp.tools.reconciliation.batch_plan import BatchApproval, PlannedPayment
from flowtly_mcp.tools.reconciliation.batch_text import payment_line, totals
from flowtly_mcp.tools.reconciliation.payment import apply_allocations
from flowtly_mcp.tools.reconciliation.sweep import Wanted, sweep

APPLICATIONS = Wanted(
    LIST_APPLIED_PAYMENTS,
    "transaction",
    sent=lambda transaction: refs.iri("transactions", transaction),
    owner=lambda record: iri_id(record.get("transaction")),
)
INVOICES = Wanted(LIST_INVOICES, "id", sent=str, owner=lambda record: iri_id(record.get("id")))
# Payments written at once: enough to hide a network's latency, few enough not to flood the API.
WRITES_IN_FLIGHT = 4


@dataclass(frozen=True)
class Fresh:
    """What the writes depend on, as it is now."""

    applications: dict[str, list[Record]]
    invoices: dict[str, InvoiceView | str]  # the invoice now, or why it cannot be read


async def read_fresh(inv: Invocation, payments: Sequence[PlannedPayment]) -> Fresh:
    transactions = [p.transaction for p in payments]
    invoice_ids = [seen.id for p in payments for seen in p.invoices]
    # Both sweeps at once; the first failure is raised as itself, for the error boundary to describe.
    applications, invoice_records = await gather(
        [partial(sweep, inv, APPLICATIONS, transactions), partial(sweep, inv, INVOICES, invoice_ids)]
    )
    invoices: dict[str, InvoiceView | str] = {}
    for invoice_id, records in invoice_records.items():
        if not records:
            invoices[invoice_id] = "it was not found when read again"
            continue
        try:
            invoices[invoice_id] = InvoiceView.from_api(records[0])
        except ValueError as problem:
            invoices[invoice_id] = f"it cannot be read again: {problem}"
    return Fresh(applications, invoices)


def why_not_now(payment: PlannedPayment, fresh: Fresh) -> str | None:
    """Why this payment must not be written now, judged on the batch's one fresh read; None when it may."""
    existing = fresh.applications.get(payment.transaction) or []
    if existing:
        shown = ", ".join(str(record.get("id")) for record in existing[:3])
        return f"already applied since the preview (invoice-transaction {shown}); nothing written"
    for seen in payment.invoices:
        now = fresh.invoices.get(seen.id, "it was not read again")
        if isinstance(now, str):
            return f"{seen.label}: {now}; nothing written"
        if now.open != seen.open or len(now.payments) != seen.applications:
            return (
                f"{seen.label} changed since the preview (open {seen.open} then, {now.open} now); nothing written, "
                "preview again to plan it"
            )
    return None


@dataclass
class _Writing:
    written: dict[int, list[m.AllocationOut]]
    failed: dict[int, str]
    not_attempted: int = 0
    stopped: bool = False
    done: int = 0


async def execute_approved(inv: Invocation, approval: BatchApproval, progress: Progress) -> m.UnmatchedOut:
    """Write exactly the approved matches that still hold; report each payment once: applied, or skipped and why."""
    payments = approval.payments
    fresh = await read_fresh(inv, payments)
    progress.next_phase()
    refused = {i: reason for i, p in enumerate(payments) if (reason := why_not_now(p, fresh)) is not None}
    to_write = [i for i in range(len(payments)) if i not in refused]
    state = _Writing({}, {})
    limiter = anyio.CapacityLimiter(WRITES_IN_FLIGHT)

    async def write(index: int) -> None:
        payment = payments[index]
        async with limiter:
            if state.stopped:
                state.not_attempted += 1
                return
            try:
                created = await apply_allocations(inv, payment.transaction, payment.date, payment.allocations)
            except ToolRefused as partly:  # some of its invoice-transactions were written: the reason says which
                state.failed[index] = str(partly)
                return
            except Exception as failure:  # noqa: BLE001 - what was written so far must still be reported
                state.failed[index] = describe_failure(failure, "reconcile_unmatched")
                state.stopped = True
                return
            state.written[index] = created
            state.done += 1
            await progress.report(state.done, len(to_write), f"applied {state.done} of {len(to_write)}")

    async with anyio.create_task_group() as group:
        for index in to_write:
            group.start_soon(write, index)
    return _result(approval, refused, state)


def _result(approval: BatchApproval, refused: dict[int, str], state: _Writing) -> m.UnmatchedOut:
    payments = approval.payments
    applied = [
        payment_line(payments[i], [a.record for a in state.written[i]])
        for i in range(len(payments))
        if i in state.written
    ]
    reasons = {**refused, **state.failed}
    skipped = [m.SkippedOut(transaction=payments[i].transaction, reason=reasons[i]) for i in sorted(reasons)]
    warnings = []
    if state.not_attempted:
        warnings.append(
            f"Stopped after a failure; {state.not_attempted} confident matches were not attempted. "
            "Run a dry run to see what is left."
        )
    written = [payments[i] for i in sorted(state.written)]
    return m.UnmatchedOut(
        dry_run=False,
        counts={
            "auto": len(payments),
            "applied": len(applied),
            "skipped": len(skipped),
            "not_attempted": state.not_attempted,
            "review": approval.review,
            "no_match": approval.no_match,
            "already_applied": approval.already_applied,
        },
        totals=totals(written),
        applied=applied,
        skipped=skipped,
        warnings=warnings,
    )
