"""Invoice tools beyond CRUD: drafts, the next number for a date, and sending invoices to clients by e-mail."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from pydantic import BaseModel, Field

from flowtly_mcp.api.endpoints import GET_CLIENT, GET_INVOICE
from flowtly_mcp.api.endpoints import INVOICE_SEND_STATUS as SEND_STATUS
from flowtly_mcp.api.endpoints import LIST_DRAFT_INVOICES as DRAFTS
from flowtly_mcp.api.endpoints import NEXT_INVOICE_NAME as NEXT_NAME
from flowtly_mcp.api.endpoints import SEND_INVOICE as SEND_ONE
from flowtly_mcp.api.endpoints import SEND_INVOICES as SEND_MANY
from flowtly_mcp.models.common import Email, InputModel, InvoiceRef
from flowtly_mcp.tools.families import BY_PATH
from flowtly_mcp.tools.invoices.facts import (
    ClientNames,
    InvoiceFacts,
    invoice_facts,
    invoice_iri,
)
from flowtly_mcp.tools.kernel.batches import batch_result
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, state_digest
from flowtly_mcp.tools.kernel.loading import gather
from flowtly_mcp.tools.kernel.params import ListControls
from flowtly_mcp.tools.kernel.references import ref_id, ref_ids
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import BatchResult, ItemResult, ListResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_record, plain, shape_page

MAX_BULK = 50
# An IBAN, or a long run of digits as Polish account numbers are written (26 digits, often in groups).
_ACCOUNT_LIKE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[0-9A-Z]{4}){3,}|(?:\d[\s-]?){20,}")
_INVOICES = BY_PATH["invoices"]


class NextNumberInput(InputModel):
    date: dt.date = Field(description="Issue date the number is for")


class InvoiceNumber(BaseModel):
    date: dt.date
    number: str


class InvoiceInput(InputModel):
    invoice: InvoiceRef


class SendToClientInput(InputModel):
    invoice: InvoiceRef
    email: Email | None = Field(default=None, max_length=254, description="Default: the client's billing contact")
    message: str | None = Field(default=None, max_length=2000, description="E-mail text")


class SendManyInput(InputModel):
    invoices: list[InvoiceRef] = Field(min_length=1, max_length=MAX_BULK, description="ids or invoice numbers")


async def _drafts(inv: Invocation, args: ListControls) -> ListResult:
    page = await inv.api.list_slice(DRAFTS.path(), limit=args.limit, cursor=args.cursor)
    items = shape_page(
        page.items, view=args.view, fields=args.fields, compact_fields=_INVOICES.compact, derive=_INVOICES.derive
    )
    return ListResult.of(items, total=page.total, next_cursor=page.next_cursor)


async def _next_number(inv: Invocation, args: NextNumberInput) -> InvoiceNumber:
    answer = await inv.api.get(NEXT_NAME.path(date=args.date.isoformat()))
    return InvoiceNumber(date=args.date, number=str(answer.get("name") or ""))


async def _send_status(inv: Invocation, args: InvoiceInput) -> ItemResult:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    return ItemResult(item=plain(compact_record(await inv.api.get(SEND_STATUS.path(id=invoice_id)))))


class _Delivery:
    """One invoice about to be e-mailed: what it is, and where and how often it went before."""

    def __init__(self, facts: InvoiceFacts, sending: dict[str, Any], email: str | None) -> None:
        self.facts = facts
        self.sending = sending
        self.recipient = email or sending.get("recipient")

    def problem(self) -> str | None:
        if self.facts.status == "draft":
            return f"{self.facts.number} is a draft; issue it first (update_invoice status=issued)"
        if not self.recipient:
            return f"{self.facts.number}: the client has no contact e-mail; pass email or add a billing contact"
        return None

    def details(self) -> dict[str, Any]:
        out = {**self.facts.summary(), "recipient": self.recipient}
        if self.sending.get("sentAt"):
            out["previously_sent"] = f"{self.sending.get('sendCount') or 1}x, last {self.sending['sentAt']}"
        return out

    def state(self) -> dict[str, Any]:
        # What sending changes (sentAt, sendCount) is part of it: a replay after a send no longer matches.
        return {
            **self.facts.state(with_ksef=False),
            "recipient": self.recipient,
            "sentAt": self.sending.get("sentAt"),
            "sendCount": self.sending.get("sendCount"),
        }


async def _delivery(inv: Invocation, invoice_id: str, email: str | None, clients: ClientNames) -> _Delivery:
    facts = await invoice_facts(inv, invoice_id, clients)
    sending = await inv.api.get(SEND_STATUS.path(id=invoice_id))
    return _Delivery(facts, sending, email)


async def _preview_one(inv: Invocation, args: SendToClientInput) -> Preview:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    delivery = await _delivery(inv, invoice_id, args.email, ClientNames(inv))
    if problem := delivery.problem():
        raise ToolRefused(f"Not sent: {problem}.")
    warnings = ["The client receives an e-mail; it cannot be recalled."]
    if delivery.sending.get("sentAt"):
        warnings.append("This invoice was sent before; the client gets it again.")
    if args.message and _ACCOUNT_LIKE.search(args.message):
        warnings.append(
            "The message contains what looks like a bank account number: check it is yours before approving "
            "(a changed account in an invoice e-mail is the classic payment fraud)."
        )
    # Everything that leaves in the e-mail is shown: the recipient, and the message text word for word.
    details = {
        **delivery.details(),
        "message": args.message if args.message else "(none: Flowtly's standard invoice e-mail)",
    }
    return Preview(
        action="E-mail invoice to client",
        target=invoice_iri(invoice_id),
        details=plain(details),
        warnings=warnings,
        fingerprint=state_digest(delivery.state(), args.message),
    )


async def _send_one(inv: Invocation, args: SendToClientInput) -> ItemResult:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    body = {k: v for k, v in (("email", args.email), ("message", args.message)) if v is not None}
    answer = await inv.api.post_action(SEND_ONE.path(id=invoice_id), body or None)
    return ItemResult(item=plain(compact_record(answer or {})))


async def _deliveries(inv: Invocation, invoice_ids: list[str]) -> list[_Delivery]:
    clients = ClientNames(inv)
    return await gather([partial(_delivery, inv, i, None, clients) for i in invoice_ids])


async def _preview_many(inv: Invocation, args: SendManyInput) -> Preview:
    invoice_ids = ref_ids(args.invoices, "invoices", "invoices")
    deliveries = await _deliveries(inv, invoice_ids)
    problems = [p for d in deliveries if (p := d.problem())]
    if problems:
        raise ToolRefused("Nothing was sent: " + "; ".join(problems) + ". Remove or fix these invoices.")
    resent = [d.facts.number for d in deliveries if d.sending.get("sentAt")]
    warnings = [f"{len(deliveries)} clients receive an e-mail; it cannot be recalled."]
    if resent:
        warnings.append("Sent before, going again: " + ", ".join(resent))
    return Preview(
        action=f"E-mail {len(deliveries)} invoices to their clients",
        target=", ".join(invoice_iri(i) for i in invoice_ids),
        details=plain({"count": len(deliveries), "invoices": [d.details() for d in deliveries]}),
        warnings=warnings,
        fingerprint=state_digest([d.state() for d in deliveries]),
    )


async def _send_many(inv: Invocation, args: SendManyInput) -> BatchResult:
    invoice_ids = ref_ids(args.invoices, "invoices", "invoices")
    answer = await inv.api.post_action(SEND_MANY.path(), {"invoices": [invoice_iri(i) for i in invoice_ids]})
    return batch_result(answer, invoice_ids, done_flag="sent", verb="sent")


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="list_draft_invoices",
        title="List draft invoices",
        description="List draft (not yet issued) invoices, paginated.",
        toolset="invoices",
        risk=Risk.READ,
        operations=(DRAFTS.operation,),
        input_model=ListControls,
        output_model=ListResult,
        handler=_drafts,
    )
    yield ToolSpec(
        name="next_invoice_number",
        title="Next invoice number",
        description="The number the next invoice issued on a date will get.",
        toolset="invoices",
        risk=Risk.READ,
        operations=(NEXT_NAME.operation,),
        input_model=NextNumberInput,
        output_model=InvoiceNumber,
        handler=_next_number,
    )
    yield ToolSpec(
        name="get_invoice_send_status",
        title="Invoice e-mail status",
        description="Whether an invoice was e-mailed to its client: recipient, subject, when and how often.",
        toolset="invoices",
        risk=Risk.READ,
        operations=(SEND_STATUS.operation,),
        input_model=InvoiceInput,
        output_model=ItemResult,
        handler=_send_status,
    )
    yield ToolSpec(
        name="send_invoice_to_client",
        title="E-mail invoice to client",
        description="E-mail an issued invoice to its client (irreversible; shows recipient and amount first).",
        toolset="invoices",
        risk=Risk.IRREVERSIBLE,
        operations=(SEND_ONE.operation, GET_INVOICE.operation, SEND_STATUS.operation, GET_CLIENT.operation),
        input_model=SendToClientInput,
        output_model=ItemResult,
        handler=_send_one,
        preview=_preview_one,
        idempotent=False,
    )
    yield ToolSpec(
        name="send_invoices_to_clients",
        title="E-mail invoices to clients",
        description="E-mail several issued invoices to their clients at once (irreversible; previews each first).",
        toolset="invoices",
        risk=Risk.IRREVERSIBLE,
        operations=(SEND_MANY.operation, GET_INVOICE.operation, SEND_STATUS.operation, GET_CLIENT.operation),
        input_model=SendManyInput,
        output_model=BatchResult,
        handler=_send_many,
        preview=_preview_many,
        idempotent=False,
    )
