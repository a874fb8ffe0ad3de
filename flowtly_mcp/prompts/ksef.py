"""Prompt: the checklist before sending an invoice to KSeF, then the send itself."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import Message, UserMessage
from pydantic import Field

from flowtly_mcp.prompts.common import instructions, invoice_attachment, reports_errors
from flowtly_mcp.prompts.completion import CompletionTable
from flowtly_mcp.prompts.records import find_invoice
from flowtly_mcp.prompts.suggestions import invoice_numbers

NAME = "ksef_send_checklist"


@reports_errors
async def ksef_send_checklist(
    invoice: Annotated[str, Field(description="Invoice number (such as FV/2025/03/0012) or id")],
    ctx: Context[Any],
) -> list[Message]:
    """Check an invoice against KSeF's rules, send it only after the user approves, and report the KSeF number."""
    record = await find_invoice(ctx.request_context.lifespan_context.api, invoice)
    number = record.get("name") or invoice
    invoice_id = record.get("id")
    steps = [
        "Read the attached invoice. Stop and report if it is a draft, or already has a KSeF number or a KSeF "
        "status other than rejected (a second send would duplicate it).",
        "Check, and list each as passed or failed: the buyer's NIP (10 digits, valid checksum) or foreign VAT "
        "number with tinType; at least one row, each with quantity, unit, net price and a VAT rate; net, VAT and "
        "gross agree row by row with the totals; issue date not in the future; sale date present; a conversion "
        "rate for a currency other than PLN; the seller's bank account for a transfer.",
        f"If a check needs more than the attachment, use `get_invoice` (id {invoice_id}) or `get_client`, and "
        "`download_einvoice` with kind=xml and inline=true to read the FA XML preview.",
        "If anything failed, stop: say what to fix (for example with `update_invoice` or `update_invoice_row`) "
        "and do not send.",
        f"If everything passed, call `send_invoice_to_ksef` with invoice={invoice_id}. Sending to KSeF cannot be "
        "undone: it answers confirmation_required with a preview; show it and wait for the user's explicit yes.",
        "After the send, report the status; if it is still processing, check it with `ksef_status`. On success "
        f"give the KSeF number and the UPO (resource flowtly://invoices/{invoice_id}/upo). On rejection give the "
        "reason and the fix; a rejected invoice is corrected and sent again, an accepted one only through "
        "`send_ksef_correction`.",
    ]
    text = instructions(
        f"Send invoice {number} to KSeF",
        {"invoice": invoice},
        steps,
        deliverable="the checklist with each item passed or failed, then the KSeF outcome (number and UPO, or reason).",
    )
    return [UserMessage(text), invoice_attachment(record)]


def register(server: MCPServer[Any], table: CompletionTable) -> None:
    server.prompt(name=NAME, title="KSeF send checklist")(ksef_send_checklist)
    table.for_prompt(NAME, "invoice", invoice_numbers)
