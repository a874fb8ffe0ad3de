"""KSeF e-invoicing tools: sessions, raw sends (one or many), corrections, inbound queueing and sync.

Sending is irreversible: every send previews the invoices with their preflight state and refuses drafts,
invoices KSeF already has, and future issue dates before anything is sent (also when confirmation is off).
The workflow tool `send_invoice_to_ksef` adds polling on top; these are the plain operations.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from pydantic import Field, model_validator

from flowtly_mcp.api import wire
from flowtly_mcp.api.endpoints import CORRECT_EINVOICE as CORRECTION
from flowtly_mcp.api.endpoints import GET_CLIENT, GET_INVOICE
from flowtly_mcp.api.endpoints import OPEN_KSEF_SESSION as OPEN_SESSION
from flowtly_mcp.api.endpoints import QUEUE_INBOUND_EINVOICES as INBOUND_QUEUE
from flowtly_mcp.api.endpoints import SEND_EINVOICES as SEND_MANY
from flowtly_mcp.models.common import InputModel, InvoiceRef, Money
from flowtly_mcp.models.invoices import VatRate
from flowtly_mcp.tools.families import BY_PATH
from flowtly_mcp.tools.invoices.facts import ClientNames, InvoiceFacts, invoice_facts, invoice_iri
from flowtly_mcp.tools.kernel.batches import batch_result
from flowtly_mcp.tools.kernel.bodies import body_of
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, state_digest
from flowtly_mcp.tools.kernel.loading import gather
from flowtly_mcp.tools.kernel.params import NoInput
from flowtly_mcp.tools.kernel.references import ref_id, ref_ids
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import ActionResult, BatchResult, ItemResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_answer, compact_record, plain, shape
from flowtly_mcp.tools.ksef.checks import Verdict, correction_refusal, ksef_verdict
from flowtly_mcp.tools.ksef.correcting import post_correction
from flowtly_mcp.tools.ksef.correction_effect import CorrectionEffect, correction_effect

MAX_BULK = 50
_INVOICES = BY_PATH["invoices"]
_IRREVERSIBLE = "KSeF registers it under a KSeF number; it can then only be changed by a correction invoice."


class SendManyInput(InputModel):
    invoices: list[InvoiceRef] = Field(min_length=1, max_length=MAX_BULK, description="ids or invoice numbers")


class CorrectionRow(InputModel):
    productName: str = Field(min_length=1, max_length=512)
    quantity: Money = Field(description="Change of quantity; negative reduces")
    unit: str = Field(min_length=1, max_length=20)
    netPrice: Money = Field(ge=0, description="Per unit")
    vatRate: VatRate
    netDiscountAmount: Money | None = Field(default=None)

    @model_validator(mode="after")
    def _changes_something(self) -> CorrectionRow:
        if self.quantity == 0:
            raise ValueError("quantity: a correction row must change the quantity (not 0)")
        return self


class CorrectionInput(InputModel):
    invoice: InvoiceRef = Field(description="The original invoice (must have a KSeF number)")
    correctionReason: str = Field(min_length=3, max_length=500, description="Why it is corrected (PrzyczynaKorekty)")
    rows: list[CorrectionRow] | None = Field(
        default=None, max_length=200, description="Correction rows; omit to correct the invoice to zero"
    )


async def _verdicts(inv: Invocation, invoice_ids: list[str]) -> list[Verdict]:
    clients = ClientNames(inv)
    facts = await gather([partial(invoice_facts, inv, i, clients) for i in invoice_ids])
    return await gather([partial(ksef_verdict, inv, f) for f in facts])


def _refuse_unsendable(verdicts: list[Verdict]) -> None:
    refusals = [r for v in verdicts for r in v.refusals]
    if refusals:
        raise ToolRefused("Nothing was sent to KSeF: " + "; ".join(refusals) + ".")


async def _open_session(inv: Invocation, _: NoInput) -> ItemResult:
    return ItemResult(item=plain(compact_record(await inv.api.post_action(OPEN_SESSION.path()) or {})))


async def _preview_send_many(inv: Invocation, args: SendManyInput) -> Preview:
    invoice_ids = ref_ids(args.invoices, "invoices", "invoices")
    verdicts = await _verdicts(inv, invoice_ids)
    _refuse_unsendable(verdicts)
    return Preview(
        action=f"Send {len(verdicts)} invoices to KSeF",
        target=", ".join(invoice_iri(i) for i in invoice_ids),
        details=plain({"count": len(verdicts), "invoices": [v.line() for v in verdicts]}),
        warnings=[_IRREVERSIBLE],
        fingerprint=state_digest([v.facts.state(with_ksef=True) for v in verdicts]),
    )


async def _send_many(inv: Invocation, args: SendManyInput) -> BatchResult:
    invoice_ids = ref_ids(args.invoices, "invoices", "invoices")
    _refuse_unsendable(await _verdicts(inv, invoice_ids))
    answer = await inv.api.post_action(SEND_MANY.path(), {"invoices": [invoice_iri(i) for i in invoice_ids]})
    return batch_result(answer, invoice_ids, done_flag="accepted", verb="accepted by KSeF")


def _correction_body(args: CorrectionInput) -> dict[str, Any]:
    body: dict[str, Any] = {"correctionReason": args.correctionReason}
    if args.rows is not None:
        try:
            body["invoiceRows"] = [wire.prepare_body(body_of(row), "invoice-rows") for row in args.rows]
        except ValueError as exc:
            raise ToolInputError(f"rows: {exc}") from None
    return body


async def _correction_target(inv: Invocation, args: CorrectionInput) -> InvoiceFacts:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    facts = await invoice_facts(inv, invoice_id, ClientNames(inv))
    if refusal := correction_refusal(facts):
        raise ToolRefused(f"No correction was sent: {refusal}.")
    return facts


def _effect(facts: InvoiceFacts, args: CorrectionInput) -> CorrectionEffect:
    """Rows and resulting totals of the correction; refused when it takes off more than the invoice is worth."""
    rows = None if args.rows is None else [body_of(row) for row in args.rows]
    effect = correction_effect(facts.record, rows)
    effect.refuse_beyond_original(facts.number)
    return effect


async def _preview_correction(inv: Invocation, args: CorrectionInput) -> Preview:
    facts = await _correction_target(inv, args)
    effect = _effect(facts, args)
    warnings = ["The correction is created and sent to KSeF at once; it cannot be withdrawn."]
    if args.rows is None:
        warnings.append("No rows given: every row is reversed and the invoice is corrected to zero.")
    return Preview(
        action="Issue a correction invoice (KOR) and send it to KSeF",
        target=invoice_iri(facts.id),
        details=plain({**facts.summary(), "reason": args.correctionReason, **effect.details()}),
        warnings=warnings,
        fingerprint=state_digest(facts.state(with_ksef=True), _correction_body(args)),
    )


async def _correct(inv: Invocation, args: CorrectionInput) -> ItemResult:
    facts = await _correction_target(inv, args)
    _effect(facts, args)
    # A lost answer is followed up, never sent again (correcting.py).
    record, _ = await post_correction(inv, facts.id, facts.record, _correction_body(args))
    return ItemResult(
        item=plain(
            shape(record, view="compact", fields=None, compact_fields=_INVOICES.compact, derive=_INVOICES.derive)
        )
    )


async def _queue(inv: Invocation, _: NoInput) -> ActionResult:
    answer = await inv.api.post_action(INBOUND_QUEUE.path())
    return ActionResult(
        ok=True,
        result=compact_answer(answer),
        message="Queued: Flowtly fetches inbound invoices from KSeF in the background; sync them afterwards.",
    )


_READS = (GET_INVOICE.operation, GET_CLIENT.operation)


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="open_ksef_session",
        title="Open KSeF session",
        description="Open an interactive KSeF session (valid about 12 h); sending opens one by itself when needed.",
        toolset="ksef",
        risk=Risk.WRITE,
        operations=(OPEN_SESSION.operation,),
        input_model=NoInput,
        output_model=ItemResult,
        handler=_open_session,
        idempotent=False,
    )
    yield ToolSpec(
        name="send_invoices_to_ksef_bulk",
        title="Send invoices to KSeF (bulk)",
        description="Send several issued invoices to KSeF at once (irreversible); previews each with its preflight.",
        toolset="ksef",
        risk=Risk.IRREVERSIBLE,
        operations=(SEND_MANY.operation, *_READS),
        input_model=SendManyInput,
        output_model=BatchResult,
        handler=_send_many,
        preview=_preview_send_many,
        idempotent=False,
    )
    yield ToolSpec(
        name="send_einvoice_correction",
        title="Send KSeF correction with rows",
        description="Issue and send a correction invoice (KOR) with the rows you give, or to zero (irreversible); does "
        "not wait for KSeF.",
        toolset="ksef",
        risk=Risk.IRREVERSIBLE,
        operations=(CORRECTION.operation, *_READS),
        input_model=CorrectionInput,
        output_model=ItemResult,
        handler=_correct,
        preview=_preview_correction,
        idempotent=False,
    )
    yield ToolSpec(
        name="queue_inbound_einvoices",
        title="Queue inbound KSeF download",
        description="Ask Flowtly to fetch new purchase invoices from KSeF in the background.",
        toolset="ksef",
        risk=Risk.WRITE,
        operations=(INBOUND_QUEUE.operation,),
        input_model=NoInput,
        output_model=ActionResult,
        handler=_queue,
        idempotent=True,
    )
