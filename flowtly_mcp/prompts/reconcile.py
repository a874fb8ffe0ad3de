"""Prompt: reconcile a month's bank statement with the invoices, then close the month."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from flowtly_mcp.prompts.common import BadArgument, instructions, one_of, reports_errors
from flowtly_mcp.prompts.completion import CompletionTable
from flowtly_mcp.prompts.suggestions import choices, recent_months

NAME = "reconcile_month"
MODES = ("review", "apply")


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a YYYY-MM month."""
    try:
        first = dt.date.fromisoformat(f"{month.strip()}-01")
    except ValueError:
        raise BadArgument(f"month must look like 2025-03, got {month!r}") from None
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous_month(today: dt.date | None = None) -> str:
    first = (today or dt.date.today()).replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


@reports_errors
async def reconcile_month(
    month: Annotated[str, Field(description="Month to close, YYYY-MM (default: last month)")] = "",
    mode: Annotated[str, Field(description="review (propose only, the default) or apply (apply sure matches)")] = "",
) -> str:
    """Match the month's incoming bank transfers to invoices, apply the sure ones, and report what is left."""
    chosen = month.strip() or previous_month()
    first, last = month_range(chosen)
    applying = one_of("mode", mode, MODES) == "apply"
    steps = [
        f"Call `reconcile_unmatched` with date_from={first.isoformat()}, date_to={last.isoformat()} and "
        "dry_run=true. It proposes a match for every incoming transfer not yet applied to an invoice, and says why "
        "the others did not match.",
        "For each transfer without a sure match, call `suggest_payment_matches` with its transaction id and weigh "
        "the ranked candidates (amount, invoice number in the title, payer's NIP or IBAN). Do not guess: a transfer "
        "you cannot place stays open.",
        (
            "Call `reconcile_unmatched` again with dry_run=false to apply the sure matches (it asks for "
            "confirmation). Apply any other match the user approves with `reconcile_payment`, giving explicit "
            "allocations for split, partial and over-payments."
            if applying
            else "Apply nothing in this run: present the proposals and let the user decide which to apply later."
        ),
        "Call `list_transactions_needing_attention` with kind=with_problems and kind=unassigned to list the bank "
        "lines that still need an attachment, a supplier or an assignment.",
        f"Call `receivables_aging` with as_of={last.isoformat()} and `overdue_invoices` to show what clients still "
        "owe at month end, per currency.",
    ]
    return instructions(
        f"Reconcile the bank statement and close {chosen}",
        {"month": chosen, "mode": one_of("mode", mode, MODES)},
        steps,
        deliverable=(
            "a month-end report: transfers matched (applied or proposed) with invoice numbers and amounts; transfers "
            "left open with the reason; bank lines needing attention; receivables at month end per currency."
        ),
        extra_rules=("Never apply a payment twice: tools re-read the invoice first; do not work around a refusal.",),
    )


def register(server: MCPServer[Any], table: CompletionTable) -> None:
    server.prompt(name=NAME, title="Reconcile bank statement / month-end close")(reconcile_month)
    table.for_prompt(NAME, "month", recent_months())
    table.for_prompt(NAME, "mode", choices(*MODES))
