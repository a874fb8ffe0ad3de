"""Duplicate counterparties: find them in tiers of certainty, and merge a group after confirmation, then verify.

Finding reads every counterparty (pages fetched concurrently) and lets `finance.duplicates` group them. Merging
is destructive (the merged records are deleted), so it previews what moves, asks for confirmation, merges through
`POST /counterparties/{id}/merge` and then reads back that the duplicates are gone and their transactions moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import GET_COUNTERPARTY, LIST_COUNTERPARTIES, LIST_TRANSACTIONS, MERGE_COUNTERPARTY
from flowtly_mcp.finance.duplicates import TIERS, DuplicateGroup, choose_survivor, find_duplicate_groups, merge_preview
from flowtly_mcp.finance.identifiers import tax_key
from flowtly_mcp.finance.records import CounterpartyView
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.counterparties import models as m
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.loading import Listing, Progress, fetch_many, get_many, read_views
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import dumped_all

TOOLSET = "workflows"


async def _find(inv: Invocation, args: m.FindDuplicatesInput) -> m.DuplicatesOut:
    listings = {"counterparties": Listing(LIST_COUNTERPARTIES)}
    records = await fetch_many(inv, listings, "reading counterparties", Progress(inv))
    warnings: list[str] = []
    views = read_views(records["counterparties"], CounterpartyView.from_api, warnings)
    by_id = {view.id: view for view in views}
    wanted = TIERS.index(args.min_tier)
    groups = [group for group in find_duplicate_groups(views) if TIERS.index(group.tier) <= wanted]
    return m.DuplicatesOut(
        groups=dumped_all(_group_out(group, by_id, views) for group in groups[: args.limit]),
        count=len(groups),
        scanned=len(views),
        warnings=warnings,
    )


def _group_out(group: DuplicateGroup, by_id: dict[str, CounterpartyView], views: list[CounterpartyView]) -> m.GroupOut:
    return m.GroupOut(
        tier=group.tier,
        members=[_member(by_id[member]) for member in group.member_ids],
        evidence=[
            m.EvidenceOut(tier=e.tier, kind=e.kind, value=e.value, members=list(e.member_ids)) for e in group.evidence
        ],
        survivor=choose_survivor(group, views),
    )


def _member(view: CounterpartyView) -> m.MemberOut:
    return m.MemberOut(
        id=view.id, name=view.display_name, tin=next(iter(view.tins), None), transactions=view.transactions_count
    )


@dataclass(frozen=True)
class MergePlan:
    survivor: CounterpartyView
    duplicates: list[CounterpartyView]
    records: list[dict[str, Any]]
    expected_transactions: int | None
    details: dict[str, Any]
    warnings: list[str]


def _ids(args: m.MergeInput) -> tuple[str, list[str]]:
    survivor = ref_id(args.survivor, "counterparties", "survivor")
    duplicates: list[str] = []
    for index, value in enumerate(args.duplicates):
        record_id = ref_id(value, "counterparties", f"duplicates[{index}]")
        if record_id == survivor:
            raise ToolInputError(f"duplicates[{index}]: {record_id} is the survivor; it cannot merge into itself.")
        if record_id in duplicates:
            raise ToolInputError(f"duplicates[{index}]: counterparty {record_id} is listed twice.")
        duplicates.append(record_id)
    return survivor, duplicates


def _tax_keys(view: CounterpartyView) -> set[str]:
    return {key for key in (tax_key(tin) for tin in view.tins) if key}


async def plan_merge(inv: Invocation, args: m.MergeInput) -> MergePlan:
    """Read the records and work out what the merge changes; refuse records that are clearly different firms."""
    survivor_id, duplicate_ids = _ids(args)
    ids = [survivor_id, *duplicate_ids]
    records = await get_many(inv, [GET_COUNTERPARTY.path(id=record_id) for record_id in ids])
    views = [CounterpartyView.from_api(record) for record in records]
    keys = {view.id: _tax_keys(view) for view in views}
    distinct = {key for found in keys.values() for key in found}
    if len(distinct) > 1:
        owners = ", ".join(f"{view.id}: {'/'.join(sorted(keys[view.id]))}" for view in views if keys[view.id])
        raise ToolRefused(
            f"Not merged: these counterparties carry different valid tax numbers ({owners}), so they are different "
            "firms. Merge only records of one firm; nothing was changed."
        )
    group = DuplicateGroup("candidate", tuple(ids), ())
    preview = merge_preview(group, views, survivor_id)
    survivor, duplicates = views[0], views[1:]
    counts = [view.transactions_count for view in views]
    expected = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
    details: dict[str, Any] = {
        "keep": _label(survivor),
        "merge_and_delete": [_label(view) for view in duplicates],
        "transactions_moving": preview.transactions_moving,
        "transactions_after": expected,
        "bank_accounts_after": list(preview.bank_accounts),
        "new_bank_accounts": list(preview.new_bank_accounts),
    }
    if preview.fields_filled:
        details["fields_filled"] = {f.field: f"{f.value} (from {f.source_id})" for f in preview.fields_filled}
    warnings = [f"The {len(duplicates)} merged record(s) are deleted; this cannot be undone."]
    warnings += [
        f"{c.field}: keeping {c.kept!r}, dropping " + ", ".join(f"{v!r} (from {i})" for i, v in c.discarded)
        for c in preview.conflicts
    ]
    return MergePlan(survivor, duplicates, records, expected, details, warnings)


def _label(view: CounterpartyView) -> str:
    tin = next(iter(view.tins), None)
    return f"{view.id} {view.display_name or '(no name)'}" + (f" (NIP {tin})" if tin else "")


async def _merge_preview(inv: Invocation, args: m.MergeInput) -> Preview:
    plan = await plan_merge(inv, args)
    return Preview(
        action="Merge counterparties",
        target=refs.iri("counterparties", plan.survivor.id),
        details=plan.details,
        warnings=plan.warnings,
        fingerprint=fingerprint(plan.records),
    )


async def _merge(inv: Invocation, args: m.MergeInput) -> m.MergeOut:
    plan = await plan_merge(inv, args)
    body = {"duplicates": [refs.iri("counterparties", view.id) for view in plan.duplicates]}
    await inv.api.post_action(MERGE_COUNTERPARTY.path(id=plan.survivor.id), body)
    problems = await _verify(inv, plan)
    after = CounterpartyView.from_api(await inv.api.get(GET_COUNTERPARTY.path(id=plan.survivor.id)))
    if plan.expected_transactions is not None and after.transactions_count not in (None, plan.expected_transactions):
        problems.append(
            f"the survivor has {after.transactions_count} transactions, expected {plan.expected_transactions}"
        )
    return m.MergeOut(
        survivor=plan.survivor.id,
        merged=[view.id for view in plan.duplicates],
        transactions=after.transactions_count,
        bank_accounts=list(after.bank_accounts),
        verified=not problems,
        problems=problems,
    )


async def _verify(inv: Invocation, plan: MergePlan) -> list[str]:
    """Read back every merged record (it must be gone) and its transactions (they must have moved)."""
    problems: list[str] = []
    for view in plan.duplicates:
        try:
            await inv.api.get(GET_COUNTERPARTY.path(id=view.id))
            problems.append(f"counterparty {view.id} still exists after the merge")
        except api_errors.NotFound:
            pass
        iri = refs.iri("counterparties", view.id)
        listed = await inv.api.fetch_all(LIST_TRANSACTIONS.path(), {"counterparty": iri})
        # Counted here too: a server that ignores the filter must not make every transaction look unmoved.
        left = sum(1 for record in listed if iri_id(record.get("counterparty")) == view.id)
        if left:
            problems.append(f"{left} transactions still point at counterparty {view.id}")
    return problems


def counterparty_specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="find_duplicate_counterparties",
        title="Find duplicate counterparties",
        description="Groups of counterparties that are probably one firm (same NIP, IBAN or name), with evidence.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=(LIST_COUNTERPARTIES.operation,),
        input_model=m.FindDuplicatesInput,
        output_model=m.DuplicatesOut,
        handler=_find,
    )
    yield ToolSpec(
        name="merge_counterparties",
        title="Merge counterparties",
        description="Merge duplicates into a survivor (duplicates are deleted, transactions move), then verify.",
        toolset=TOOLSET,
        risk=Risk.DESTRUCTIVE,
        operations=(GET_COUNTERPARTY.operation, MERGE_COUNTERPARTY.operation, LIST_TRANSACTIONS.operation),
        input_model=m.MergeInput,
        output_model=m.MergeOut,
        handler=_merge,
        preview=_merge_preview,
        idempotent=False,
    )
