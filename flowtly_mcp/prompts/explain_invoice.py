"""Prompt: explain one invoice in plain words, from its own data."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import Message, UserMessage
from pydantic import Field

from flowtly_mcp.prompts.common import instructions, invoice_attachment, one_of, reports_errors
from flowtly_mcp.prompts.completion import CompletionTable
from flowtly_mcp.prompts.records import find_invoice
from flowtly_mcp.prompts.suggestions import choices, invoice_numbers

NAME = "explain_invoice"
AUDIENCES = ("owner", "accountant", "client")


@reports_errors
async def explain_invoice(
    invoice: Annotated[str, Field(description="Invoice number (such as FV/2025/03/0012) or id")],
    ctx: Context[Any],
    audience: Annotated[str, Field(description="owner (default), accountant or client")] = "",
) -> list[Message]:
    """Explain an invoice: who bills whom for what, the VAT, what has been paid, what is open, and its KSeF state."""
    reader = one_of("audience", audience, AUDIENCES)
    record = await find_invoice(ctx.request_context.lifespan_context.api, invoice)
    steps = [
        "Read the attached invoice. Name the client with `get_client` (the client field holds its id).",
        "Explain the rows: what was sold, quantity and net price, and the VAT per rate; then net, VAT and gross.",
        "Explain the payments applied (date and amount each), the open amount, the due date and the status "
        "(overdue by how many days, if so).",
        "Explain the KSeF state: not sent, processing, accepted with its KSeF number, or rejected with the reason. "
        "For a correction (type KOR) say which invoice it corrects and why; for an invoice with corrections, "
        "list them (`get_invoice` on each id).",
    ]
    text = instructions(
        f"Explain invoice {record.get('name') or invoice}",
        {"invoice": invoice, "audience": reader},
        steps,
        deliverable=(
            f"a short explanation for the {reader}, using only facts from the record and the tools; say what is "
            "unknown rather than guessing."
        ),
    )
    return [UserMessage(text), invoice_attachment(record)]


def register(server: MCPServer[Any], table: CompletionTable) -> None:
    server.prompt(name=NAME, title="Explain an invoice")(explain_invoice)
    table.for_prompt(NAME, "invoice", invoice_numbers)
    table.for_prompt(NAME, "audience", choices(*AUDIENCES))
