"""Prompt: clean up duplicate counterparties, merging only what the evidence and the user support."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from flowtly_mcp.prompts.common import instructions, reports_errors
from flowtly_mcp.prompts.completion import CompletionTable
from flowtly_mcp.prompts.suggestions import counterparty_names

NAME = "counterparty_cleanup"


@reports_errors
async def counterparty_cleanup(
    name: Annotated[str, Field(description="Only groups involving this counterparty name; default: all")] = "",
) -> str:
    """Find duplicate counterparties, propose a survivor for each group, and merge the groups the user approves."""
    focus = f" Keep only the groups that include a counterparty named like {name.strip()!r}." if name.strip() else ""
    steps = [
        f"Call `find_duplicate_counterparties`.{focus} Each group comes with a tier and its evidence (same NIP, "
        "same bank account, similar names).",
        "For each group propose a survivor: the record with a valid NIP, links to a client or supplier, and the "
        "most transactions; use `get_counterparty` where the group lacks a detail.",
        "Present the plan as a table: group, survivor, duplicates, evidence, and what moves (transactions, bank "
        "accounts). Counterparties with different NIPs are different companies: never propose merging them.",
        "For each group the user approves, call `merge_counterparties` with the survivor and the duplicates. It "
        "answers confirmation_required with a preview; merge only after the user's explicit yes for that group.",
        "After each merge, report what the tool verified (duplicates gone, transactions moved).",
    ]
    return instructions(
        "Clean up duplicate counterparties",
        {"name": name.strip() or None},
        steps,
        deliverable="the merge plan, then per group: merged (with what moved), skipped by the user, or refused.",
        extra_rules=(
            "Merging cannot be undone. Groups found by name similarity alone are suggestions: ask about each.",
        ),
    )


def register(server: MCPServer[Any], table: CompletionTable) -> None:
    server.prompt(name=NAME, title="Counterparty clean-up")(counterparty_cleanup)
    table.for_prompt(NAME, "name", counterparty_names)
