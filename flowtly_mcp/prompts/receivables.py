"""Prompt: chase overdue receivables with one reminder draft per client."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from flowtly_mcp.prompts.common import BadArgument, instructions, one_of, reports_errors
from flowtly_mcp.prompts.completion import CompletionTable
from flowtly_mcp.prompts.suggestions import choices, client_names

NAME = "chase_overdue_receivables"
TONES = ("friendly", "firm", "final")
LANGUAGES = ("en", "pl")


@reports_errors
async def chase_overdue_receivables(
    client: Annotated[str, Field(description="Only this client (name or id); default: every client")] = "",
    min_days: Annotated[str, Field(description="Only invoices at least this many days overdue (default 1)")] = "",
    tone: Annotated[str, Field(description="friendly (default), firm or final")] = "",
    language: Annotated[str, Field(description="Language of the drafts: en (default) or pl")] = "",
) -> str:
    """Find overdue invoices and draft one payment reminder per client; nothing is sent."""
    days = min_days.strip() or "1"
    if not days.isdigit() or int(days) < 1:
        raise BadArgument(f"min_days must be a whole number of days, at least 1, got {min_days!r}")
    chosen_tone = one_of("tone", tone, TONES)
    chosen_language = one_of("language", language, LANGUAGES)
    who = f"with client={client.strip()!r} " if client.strip() else ""
    steps = [
        f"Call `overdue_invoices` {who}with min_days={days}. If a client was named and the tool needs an id, find "
        "the id with `list_clients` (name filter) first.",
        "Group the invoices by client. For each client call `client_statement` for the last 12 months to see "
        "payments that arrived after the due dates, and drop any invoice that turns out to be settled.",
        "For each client find the billing contact with `list_client_contacts` (client filter; prefer "
        "type=billing). With no contact, say so instead of inventing an address.",
        f"Draft one reminder per client in {'Polish' if chosen_language == 'pl' else 'English'}, {chosen_tone} in "
        "tone: the invoice numbers, issue and due dates, open amounts and the total per currency, how many days "
        "overdue, and the bank account printed on the invoices. A final reminder states the next step the user "
        "chose; never threaten anything the user did not ask for.",
    ]
    return instructions(
        "Chase overdue receivables",
        {"client": client.strip() or None, "min_days": days, "tone": chosen_tone, "language": chosen_language},
        steps,
        deliverable=(
            "a table of overdue amounts per client and currency, then the reminder drafts (recipient, subject, body). "
            "Do not send anything: the user reviews and sends the drafts."
        ),
        extra_rules=("Do not call send_invoice_to_client or any other sending tool: this job only drafts.",),
    )


def register(server: MCPServer[Any], table: CompletionTable) -> None:
    server.prompt(name=NAME, title="Chase overdue receivables")(chase_overdue_receivables)
    table.for_prompt(NAME, "client", client_names)
    table.for_prompt(NAME, "tone", choices(*TONES))
    table.for_prompt(NAME, "language", choices(*LANGUAGES))
