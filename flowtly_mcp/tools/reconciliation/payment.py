"""Suggesting and applying matches for one bank payment.

`suggest_payment_matches` only reads. `reconcile_payment` writes invoice-transactions: a WRITE whose preview is
always shown (``escalates`` with a preview that never returns None). Applying a payment is reversible (the
invoice-transactions can be deleted), so it is not destructive; but it settles invoices, which stops reminders
and changes every receivables figure, and a wrong match is easy to make and hard to notice. So the person sees
exactly which invoices get how much before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import CREATE_APPLIED_PAYMENT, GET_INVOICE, GET_TRANSACTION, LIST_APPLIED_PAYMENTS
from flowtly_mcp.finance.allocation import AllocationProblem, Requested, plan_allocations
from flowtly_mcp.finance.matching import Allocation, decide
from flowtly_mcp.finance.records import BankTransaction, InvoiceView, invoice_account_currencies, with_payment_currency
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused, describe_failure
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.loading import Progress, Record, get_many
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Planned, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import decimal_text, dumped, dumped_all
from flowtly_mcp.tools.reconciliation import models as m
from flowtly_mcp.tools.reconciliation.matching_data import (
    READ_OPERATIONS,
    allocation_out,
    applications_of,
    candidate_out,
    lists_applications,
    load_matching,
    payment_out,
    transaction_of,
)

TOOLSET = "workflows"
MAX_NOTES = 4


async def read_transaction(
    inv: Invocation, value: str, account_currencies: Mapping[str, str]
) -> tuple[Record, BankTransaction]:
    """The transaction record, and its view with the payment currency derived from `account_currencies`."""
    transaction_id = ref_id(value, "transactions", "transaction")
    record = await inv.api.get(GET_TRANSACTION.path(id=transaction_id))
    return record, transaction_of(record, account_currencies)


async def _suggest(inv: Invocation, args: m.SuggestInput) -> m.SuggestOut:
    record, as_read = await read_transaction(inv, args.transaction, {})
    data = await load_matching(inv, Progress(inv))
    transaction = with_payment_currency(as_read, data.index.account_currencies)
    applied = data.applied.get(transaction.id, [])
    if applied or lists_applications(record):
        return m.SuggestOut(
            payment=dumped(payment_out(transaction)),
            status="applied",
            candidates=[],
            reasons=["the payment is already applied to invoices; nothing to suggest"],
            applied=dumped_all(m.AppliedOut(invoice=p.invoice_id, amount=p.amount, record=p.id) for p in applied),
        )
    outcome = decide(transaction, data.index, limit=args.limit)
    return m.SuggestOut(
        payment=dumped(payment_out(transaction)),
        status=outcome.status,
        candidates=dumped_all(candidate_out(candidate) for candidate in outcome.candidates),
        reasons=[*outcome.reasons, *data.warnings],
    )


@dataclass(frozen=True)
class PaymentPlan:
    transaction: BankTransaction
    allocations: list[Allocation]
    excess: Decimal | None
    source: Literal["auto_match", "allocations"]
    notes: list[str]
    # What the preview showed depends on: the payment and the open amounts of the invoices it lands on.
    state: list[Any]


async def plan_payment(inv: Invocation, args: m.ReconcilePaymentInput, progress: Progress) -> PaymentPlan:
    """Re-read the payment and its invoices and decide exactly what to apply; refuse anything doubtful."""
    # The currency is derived below, once the organisation's accounts are known.
    record, transaction = await read_transaction(inv, args.transaction, {})
    if transaction.amount <= 0:
        raise ToolRefused("Not applied: only money received (a positive amount) settles sales invoices.")
    existing = await applications_of(inv, transaction.id)
    if existing or lists_applications(record):
        shown = ", ".join(f"{r.get('id')} (invoice {_last(r.get('invoice'))}, {r.get('amount')})" for r in existing)
        raise ToolRefused(
            f"Not applied: transaction {transaction.id} is already applied to invoices ({shown or 'see the record'}). "
            "Applying it again would count the money twice; delete those invoice-transactions first to redo it."
        )
    if args.allocations is None:
        plan = await _auto_plan(inv, transaction, progress)
    else:
        plan = await _requested_plan(inv, transaction, args)
    return plan


def targets(allocations: Sequence[Allocation]) -> str:
    return " + ".join(
        f"{decimal_text(a.amount)} {a.currency} to invoice {a.invoice_id} ({a.invoice_number})" for a in allocations
    )


def _last(value: Any) -> str:
    return str(value).rsplit("/", 1)[-1] if value else "?"


async def _auto_plan(inv: Invocation, as_read: BankTransaction, progress: Progress) -> PaymentPlan:
    data = await load_matching(inv, progress)
    transaction = with_payment_currency(as_read, data.index.account_currencies)
    outcome = decide(transaction, data.index)
    chosen = outcome.chosen
    if chosen is None:
        options = "; ".join(f"{targets(c.allocations)} [confidence {c.confidence}]" for c in outcome.candidates[:3])
        why = "; ".join(outcome.reasons[:3])
        raise ToolRefused(
            f"Not applied: no confident automatic match ({outcome.status}: {why})."
            + (f" Candidates: {options}." if options else "")
            + " Pass allocations=[{invoice, amount}] chosen by the user to apply it."
        )
    invoices = [data.invoices[a.invoice_id] for a in chosen.allocations]
    notes = list(chosen.reasons)
    return PaymentPlan(
        transaction, list(chosen.allocations), chosen.excess, "auto_match", notes, _state(transaction, invoices)
    )


async def _requested_plan(inv: Invocation, as_read: BankTransaction, args: m.ReconcilePaymentInput) -> PaymentPlan:
    assert args.allocations is not None
    ids = [ref_id(a.invoice, "invoices", f"allocations[{i}].invoice") for i, a in enumerate(args.allocations)]
    records = await get_many(inv, [GET_INVOICE.path(id=invoice_id) for invoice_id in ids])
    invoices: list[InvoiceView] = []
    for position, invoice_record in enumerate(records):
        try:
            invoices.append(InvoiceView.from_api(invoice_record))
        except ValueError as problem:
            raise ToolRefused(f"allocations[{position}]: the invoice cannot be read: {problem}.") from None
    transaction = await _with_currency(inv, as_read, invoices)
    requested = [Requested(invoice, a.amount) for invoice, a in zip(invoices, args.allocations, strict=True)]
    try:
        allocations, excess = plan_allocations(transaction, requested)
    except AllocationProblem as problem:
        raise ToolInputError(f"allocations[{problem.position}]: {problem}. Nothing was applied.") from None
    notes = [f"{a.invoice_number or a.invoice_id}: {_kind(a)}" for a in allocations]
    return PaymentPlan(transaction, allocations, excess, "allocations", notes, _state(transaction, invoices))


async def _with_currency(inv: Invocation, as_read: BankTransaction, invoices: list[InvoiceView]) -> BankTransaction:
    """The payment with its currency: from the chosen invoices' accounts when the money arrived in one of them,
    else from all of the organisation's invoices; an unknown currency refuses the payment, never taken as PLN."""
    transaction = with_payment_currency(as_read, invoice_account_currencies(invoices)[0])
    if transaction.known_currency is not None:
        return transaction
    index = (await load_matching(inv, Progress.silent())).index
    transaction = with_payment_currency(as_read, index.account_currencies)
    if transaction.known_currency is None:
        raise ToolRefused(
            f"Not applied: {index.unknown_currency_reason(transaction)}, so the amounts cannot be checked against "
            "the invoices. Nothing was applied."
        )
    return transaction


def _kind(allocation: Allocation) -> str:
    return "settled in full" if allocation.remainder == 0 else f"partial, {allocation.remainder} stays open"


def _state(transaction: BankTransaction, invoices: list[InvoiceView]) -> list[Any]:
    return [
        transaction.id,
        str(transaction.amount),
        [(invoice.id, str(invoice.open), len(invoice.payments)) for invoice in invoices],
    ]


async def recheck_payment(inv: Invocation, plan: PaymentPlan) -> str:
    """The state of just the records an approved plan touches: the payment, its applications, its invoices."""
    record, transaction = await read_transaction(inv, plan.transaction.id, {})
    if await applications_of(inv, transaction.id) or lists_applications(record):
        return "already applied"  # never a fingerprint: the confirmation is refused as "changed since the preview"
    ids = [allocation.invoice_id for allocation in plan.allocations]
    records = await get_many(inv, [GET_INVOICE.path(id=invoice_id) for invoice_id in ids])
    try:
        invoices = [InvoiceView.from_api(invoice_record) for invoice_record in records]
    except ValueError as problem:
        raise ToolRefused(f"Not applied: an invoice of the plan cannot be read again: {problem}.") from None
    return fingerprint(_state(transaction, invoices))


async def execute_payment(inv: Invocation, _: m.ReconcilePaymentInput, plan: PaymentPlan) -> m.ReconcileOut:
    """Apply exactly the approved plan."""
    transaction = plan.transaction
    applied = await apply_allocations(inv, transaction.id, transaction.date, plan.allocations)
    return m.ReconcileOut(
        payment=payment_out(plan.transaction), source=plan.source, applied=applied, excess=plan.excess
    )


async def _preview(inv: Invocation, args: m.ReconcilePaymentInput) -> Preview:
    plan = await plan_payment(inv, args, Progress.silent())
    payment = plan.transaction
    warnings = []
    if plan.excess:
        warnings.append(f"over-payment: {plan.excess} {payment.currency} stays on the transaction as a credit")
    warnings += [
        f"partial: {a.remainder} {a.currency} stays open on {a.invoice_number}" for a in plan.allocations if a.remainder
    ]
    return Preview(
        action="Apply payment to invoices",
        target=refs.iri("transactions", payment.id),
        details={
            "payment": f"{payment.date.isoformat()} {decimal_text(payment.amount)} {payment.currency}",
            "apply": [targets([a]) for a in plan.allocations],
            "chosen_by": plan.source,
            "why": plan.notes[:MAX_NOTES],
        },
        warnings=warnings,
        fingerprint=fingerprint(plan.state),
        plan=plan,
    )


async def apply_allocations(
    inv: Invocation, transaction_id: str, booked: date, allocations: Sequence[Allocation]
) -> list[m.AllocationOut]:
    """Create one invoice-transaction per allocation; a failure midway says exactly what was already applied."""
    created: list[m.AllocationOut] = []
    for allocation in allocations:
        body = {
            "invoice": refs.iri("invoices", allocation.invoice_id),
            "transaction": refs.iri("transactions", transaction_id),
            "amount": allocation.amount,
            "date": booked,
        }
        try:
            record = await inv.api.create(CREATE_APPLIED_PAYMENT.path(), body, family="invoice-transactions")
        except Exception as failure:
            if not created:
                raise
            done = ", ".join(f"{c.amount} to invoice {c.invoice} (record {c.record})" for c in created)
            raise ToolRefused(
                f"Partly applied: {done}. Then applying {allocation.amount} to invoice {allocation.invoice_id} failed: "
                f"{describe_failure(failure, 'reconcile_payment')}"
            ) from None
        created.append(allocation_out(allocation, record=_record_id(record)))
    return created


def _record_id(record: Record) -> str | None:
    value = record.get("id")
    return str(value) if value is not None else None


async def _reconcile(inv: Invocation, args: m.ReconcilePaymentInput) -> m.ReconcileOut:
    return await execute_payment(inv, args, await plan_payment(inv, args, Progress(inv)))


def payment_specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="suggest_payment_matches",
        title="Suggest payment matches",
        description="Invoices an incoming bank payment may settle, ranked, with allocations, confidence and reasons.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=(GET_TRANSACTION.operation, *READ_OPERATIONS),
        input_model=m.SuggestInput,
        output_model=m.SuggestOut,
        handler=_suggest,
    )
    yield ToolSpec(
        name="reconcile_payment",
        title="Reconcile payment",
        description="Apply an incoming payment to invoices: given allocations or the automatic match.",
        toolset=TOOLSET,
        risk=Risk.WRITE,
        operations=(
            GET_TRANSACTION.operation,
            GET_INVOICE.operation,
            LIST_APPLIED_PAYMENTS.operation,
            CREATE_APPLIED_PAYMENT.operation,
            *READ_OPERATIONS,
        ),
        input_model=m.ReconcilePaymentInput,
        output_model=m.ReconcileOut,
        handler=_reconcile,
        preview=_preview,
        planned=Planned(recheck=recheck_payment, execute=execute_payment),
        escalates=True,
        idempotent=False,
    )
