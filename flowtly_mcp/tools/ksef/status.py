"""Where an invoice stands in KSeF, and pulling in purchase invoices KSeF holds for us."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flowtly_mcp.api.endpoints import EINVOICE_UPO, GET_INVOICE, INBOUND_EINVOICE_XML, SYNC_INBOUND_EINVOICES
from flowtly_mcp.finance.money import parse_optional_amount
from flowtly_mcp.finance.wire import collection_members, parse_date, record_id
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import dumped, dumped_all
from flowtly_mcp.tools.ksef import models as m
from flowtly_mcp.tools.ksef.common import inbound_facts, outcome, read_invoice, save_upo, state_of

TOOLSET = "workflows"


async def _status(inv: Invocation, args: m.StatusInput) -> m.KsefOut:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    record = await read_invoice(inv, invoice_id)
    result = outcome(invoice_id, record, state_of(record))
    if args.upo and result.ksef_number:
        result.upo = dumped(await save_upo(inv, invoice_id, result.ksef_number))
    return result


async def _sync_inbound(inv: Invocation, args: m.InboundInput) -> m.InboundOut:
    body = {"dateFrom": args.date_from.isoformat(), "dateTo": args.date_to.isoformat()}
    answer = await inv.api.post_action(SYNC_INBOUND_EINVOICES.path(), body)
    records = collection_members(answer)
    items = [_inbound(await inbound_facts(inv, record)) for record in records[: args.limit]]
    return m.InboundOut(total=_total(answer, len(records)), invoices=dumped_all(items))


def _total(answer: Any, fallback: int) -> int:
    if isinstance(answer, Mapping):
        value = answer.get("hydra:totalItems", answer.get("totalItems"))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return fallback


def _inbound(record: Mapping[str, Any]) -> m.InboundItemOut:
    def text(name: str) -> str | None:
        value = record.get(name)
        return str(value) if value not in (None, "") else None

    try:
        amount = parse_optional_amount(record.get("amount"))
    except ValueError:
        amount = None
    return m.InboundItemOut(
        id=record_id(record) or "?",
        ksef_number=text("einvoicingNumber"),
        number=text("invoiceNumber"),
        seller=text("sellerName"),
        seller_nip=text("sellerTin"),
        issued=parse_date(record.get("issueDate")),
        amount=amount,
        currency=text("currency"),
    )


def ksef_status_specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="ksef_status",
        title="KSeF status",
        description="An invoice's KSeF status and number, or why it was rejected and the fix; optionally the UPO.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=(GET_INVOICE.operation, EINVOICE_UPO.operation),
        input_model=m.StatusInput,
        output_model=m.KsefOut,
        handler=_status,
    )
    yield ToolSpec(
        name="sync_inbound_einvoices",
        title="Sync inbound KSeF invoices",
        description="Pull purchase invoices KSeF holds for us, issued in a range of at most 3 months.",
        toolset="ksef",
        risk=Risk.WRITE,
        operations=(SYNC_INBOUND_EINVOICES.operation, INBOUND_EINVOICE_XML.operation),
        input_model=m.InboundInput,
        output_model=m.InboundOut,
        handler=_sync_inbound,
        idempotent=True,
    )
