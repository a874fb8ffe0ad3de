"""Sending an invoice, or a correction of one, to KSeF: preflight, confirmation, send, poll, receipt.

Both are irreversible: KSeF keeps what it accepted for ten years, and only a correction can change it. So every
check runs before anything is sent (and again after the confirmation), the person sees what goes out, and a send
whose answer is lost is never repeated blindly: the invoice's KSeF state is read first, and when it shows the
submission arrived, the tool follows that submission instead of sending a second one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import (
    CORRECT_EINVOICE,
    EINVOICE_UPO,
    EINVOICE_XML,
    GET_CLIENT,
    GET_INVOICE,
    OPEN_KSEF_SESSION,
    SEND_EINVOICE,
)
from flowtly_mcp.finance.ksef import can_correct, ksef_number_of
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.invoices.facts import ClientNames
from flowtly_mcp.tools.kernel.errors import ToolRefused, describe_failure
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import dumped
from flowtly_mcp.tools.ksef import models as m
from flowtly_mcp.tools.ksef.common import (
    AMBIGUOUS,
    REJECTED,
    Record,
    outcome,
    poll,
    read_invoice,
    refusal,
    rejected_error,
    run_preflight,
    save_upo,
    state_of,
    status_of,
)
from flowtly_mcp.tools.ksef.correcting import post_correction
from flowtly_mcp.tools.ksef.correction_effect import correction_effect

TOOLSET = "workflows"
IRREVERSIBLE_WARNING = "KSeF keeps what it accepts: this cannot be undone, only corrected by a correction invoice."


async def _send_preview(inv: Invocation, args: m.SendInput) -> Preview:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    checked = await run_preflight(inv, invoice_id)
    if checked.failed:
        raise refusal(checked, "sent to KSeF")
    record = checked.record
    rows = [row for row in record.get("invoiceRows") or [] if isinstance(row, Mapping)]
    return Preview(
        action="Send invoice to KSeF",
        target=refs.iri("invoices", invoice_id),
        details={
            "number": record.get("name"),
            "client": await ClientNames(inv).name(record.get("client")),
            "buyer_tax_id": f"{record.get('tinType') or ''} {record.get('tin') or '(none)'}".strip(),
            "gross": f"{record.get('amount')} {record.get('currency') or ''}".strip(),
            "rows": len(rows),
            "checks": [f"{check.name}: {check.message}" for check in checked.checks],
        },
        warnings=[IRREVERSIBLE_WARNING],
        fingerprint=fingerprint(record),
    )


def _same_submission(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    keys = ("referenceNumber", "documentId", "status")
    return bool(before) and all(before.get(key) == after.get(key) for key in keys)


async def _send(inv: Invocation, args: m.SendInput) -> m.KsefOut:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    checked = await run_preflight(inv, invoice_id)
    if checked.failed:
        raise refusal(checked, "sent to KSeF")
    before = state_of(checked.record)
    notes: list[str] = []
    await inv.api.post_action(OPEN_KSEF_SESSION.path())
    try:
        answer = await inv.api.post_action(SEND_EINVOICE.path(id=invoice_id))
        state: dict[str, Any] = dict(answer) if isinstance(answer, Mapping) else {}
    except AMBIGUOUS as failure:
        # The answer is lost, not necessarily the send: KSeF's state decides, never a second blind send.
        after = state_of(await read_invoice(inv, invoice_id))
        if not after or _same_submission(before, after):
            raise ToolRefused(
                f"The send failed ({describe_failure(failure, 'send_invoice_to_ksef')}) and the invoice's KSeF state "
                f"is unchanged ({status_of(after)}): it did not reach KSeF. It is safe to send it again."
            ) from None
        notes.append("the answer to the send was lost; KSeF's state shows it arrived, so it was not sent again")
        state = after
    return await _finish(inv, invoice_id, state, notes)


async def _finish(inv: Invocation, invoice_id: str, state: Mapping[str, Any], notes: list[str]) -> m.KsefOut:
    record, final = await poll(inv, invoice_id, state)
    result = outcome(invoice_id, record, final)
    result.notes = [*notes, *result.notes]
    if result.status == REJECTED:
        raise rejected_error(result)
    if result.ksef_number:
        try:
            result.upo = dumped(await save_upo(inv, invoice_id, result.ksef_number))
        except api_errors.ApiError as failure:
            result.notes.append(f"UPO not saved ({failure.message}); call ksef_status with upo=true later")
    return result


async def _original(inv: Invocation, args: m.CorrectionInput) -> tuple[str, Record, str]:
    """The original invoice and its KSeF number; refused unless KSeF has registered it."""
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    record = await read_invoice(inv, invoice_id)
    verdict = can_correct(record)
    number = ksef_number_of(record)
    if not verdict.ok or number is None:
        raise ToolRefused(f"Not corrected: {verdict.message} ({verdict.fix}). Nothing was sent.")
    return invoice_id, record, number


async def _correction_preview(inv: Invocation, args: m.CorrectionInput) -> Preview:
    invoice_id, record, number = await _original(inv, args)
    client = await ClientNames(inv).name(record.get("client"))
    return Preview(
        action="Send a correction invoice (KOR) to KSeF",
        target=refs.iri("invoices", invoice_id),
        details={
            "original": record.get("name"),
            "client": client,
            "original_ksef_number": number,
            "reason": args.reason,
            "effect": "Flowtly issues a correction invoice referencing that KSeF number, reversing every row, and "
            "sends it to KSeF",
            **correction_effect(record, None).details(),
        },
        warnings=[IRREVERSIBLE_WARNING],
        fingerprint=fingerprint([record, args.reason]),
    )


async def _correct(inv: Invocation, args: m.CorrectionInput) -> m.CorrectionOut:
    invoice_id, record, number = await _original(inv, args)
    correction, notes = await post_correction(inv, invoice_id, record, {"correctionReason": args.reason})
    correction_id = iri_id(correction.get("id") or correction.get("@id"))
    if correction_id is None:
        raise ToolRefused(
            "Flowtly accepted the correction but did not say which invoice it created; check the "
            f"corrections of invoice {invoice_id} before sending another."
        )
    result = await _finish(inv, correction_id, state_of(correction), notes)
    return m.CorrectionOut(**result.model_dump(), corrects=invoice_id, corrects_ksef_number=number)


def ksef_send_specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="send_invoice_to_ksef",
        title="Send invoice to KSeF",
        description="Check and send an invoice to KSeF, then wait for its KSeF number and save the UPO.",
        toolset=TOOLSET,
        risk=Risk.IRREVERSIBLE,
        operations=(
            GET_INVOICE.operation,
            EINVOICE_XML.operation,
            OPEN_KSEF_SESSION.operation,
            SEND_EINVOICE.operation,
            EINVOICE_UPO.operation,
            GET_CLIENT.operation,
        ),
        input_model=m.SendInput,
        output_model=m.KsefOut,
        handler=_send,
        preview=_send_preview,
        idempotent=False,
    )
    yield ToolSpec(
        name="send_ksef_correction",
        title="Send KSeF correction",
        description="Correct a KSeF-registered invoice to zero (KOR), send it, then wait for its KSeF number and UPO.",
        toolset=TOOLSET,
        risk=Risk.IRREVERSIBLE,
        operations=(GET_INVOICE.operation, CORRECT_EINVOICE.operation, EINVOICE_UPO.operation, GET_CLIENT.operation),
        input_model=m.CorrectionInput,
        output_model=m.CorrectionOut,
        handler=_correct,
        preview=_correction_preview,
        idempotent=False,
    )
