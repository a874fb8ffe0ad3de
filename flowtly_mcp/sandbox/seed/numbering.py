"""Ids and numbers in calendar order: `FV/YYYY/MM/NNNN` per month, corrections `KOR/YYYY/MM/NNNN`."""

from __future__ import annotations

from .world import World


def number_invoices(world: World) -> None:
    """Sort invoices by issue date and give them ids, numbers and row ids."""
    world.invoices.sort(key=lambda plan: plan.issue)
    sequences: dict[tuple[str, int, int], int] = {}
    row_id = 0
    for invoice_id, plan in enumerate(world.invoices, start=1):
        plan.id = invoice_id
        prefix = "KOR" if plan.type == "KOR" else "FV"
        key = (prefix, plan.issue.year, plan.issue.month)
        sequences[key] = sequences.get(key, 0) + 1
        plan.number = f"{prefix}/{plan.issue.year}/{plan.issue.month:02d}/{sequences[key]:04d}"
        for row in plan.rows:
            row_id += 1
            row.id = row_id
