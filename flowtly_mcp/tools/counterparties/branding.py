"""Counterparty tools beyond CRUD: merging duplicate records into one, and branding (logo, website) enrichment.

`merge_counterparty_records` is the plain operation; the workflow `merge_counterparties` finds duplicates first.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from pydantic import Field

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import ENRICH_ALL_COUNTERPARTIES as ENRICH_ALL
from flowtly_mcp.api.endpoints import ENRICH_COUNTERPARTY as ENRICH_ONE
from flowtly_mcp.api.endpoints import GET_COUNTERPARTY
from flowtly_mcp.api.endpoints import MERGE_COUNTERPARTY as MERGE
from flowtly_mcp.finance.duplicates import DuplicateGroup, MergePreview, merge_preview
from flowtly_mcp.finance.records import CounterpartyView
from flowtly_mcp.models.common import CounterpartyRef, InputModel
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, state_digest
from flowtly_mcp.tools.kernel.loading import gather
from flowtly_mcp.tools.kernel.references import ref_id, ref_ids
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import ActionResult, ItemResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_answer, compact_record, plain

FAMILY = "counterparties"
MAX_DUPLICATES = 10
_TAX_FIELDS = frozenset({"tin", "clientTin", "supplierTin"})
_KEPT = ("id", "displayName", "tin", "bankAccounts", "transactionsCount", "client", "supplier")


class MergeInput(InputModel):
    survivor: CounterpartyRef = Field(description="The record to keep")
    duplicates: list[CounterpartyRef] = Field(
        min_length=1, max_length=MAX_DUPLICATES, description="Records merged into the survivor, then deleted"
    )


class EnrichInput(InputModel):
    counterparty: CounterpartyRef | None = Field(default=None, description="One counterparty; omit for all")


def _ids(args: MergeInput) -> tuple[str, list[str]]:
    survivor = ref_id(args.survivor, FAMILY, "survivor")
    duplicates = ref_ids(args.duplicates, FAMILY, "duplicates")
    if survivor in duplicates:
        raise ToolInputError(f"duplicates: counterparty {survivor} is the survivor; a record cannot merge into itself.")
    return survivor, duplicates


def _name(view: CounterpartyView) -> str:
    return f"{view.display_name or 'unnamed'} (counterparty {view.id})"


async def _plan(
    inv: Invocation, args: MergeInput
) -> tuple[list[dict[str, Any]], MergePreview, dict[str, CounterpartyView]]:
    survivor, duplicates = _ids(args)
    ids = [survivor, *duplicates]
    records = await gather([partial(inv.api.get, GET_COUNTERPARTY.path(id=i)) for i in ids])
    views = {i: CounterpartyView.from_api({**r, "id": i}) for i, r in zip(ids, records, strict=True)}
    group = DuplicateGroup(tier="candidate", member_ids=tuple(ids), evidence=())
    plan = merge_preview(group, views.values(), survivor_id=survivor)
    tax = [c for c in plan.conflicts if c.field in _TAX_FIELDS]
    if tax:
        found = "; ".join(f"{c.field} {c.kept} vs " + ", ".join(v for _, v in c.discarded) for c in tax)
        raise ToolRefused(f"Not merged: the records carry different tax numbers ({found}); they are not duplicates.")
    return records, plan, views


async def _preview_merge(inv: Invocation, args: MergeInput) -> Preview:
    records, plan, views = await _plan(inv, args)
    details = {
        "survivor": _name(views[plan.survivor_id]),
        "duplicates_deleted": [_name(views[i]) for i in plan.merged_ids],
        "transactions_moving": plan.transactions_moving,
        "bank_accounts_moving": len(plan.new_bank_accounts),
        "bank_accounts_after": list(plan.bank_accounts),
        "fields_filled": {f.field: f"{f.value} (from {f.source_id})" for f in plan.fields_filled},
    }
    warnings = [f"{len(plan.merged_ids)} records are deleted after their transactions move; this cannot be undone."]
    warnings += [
        f"{c.field}: keeping {c.kept}, dropping " + ", ".join(f"{v} ({i})" for i, v in c.discarded)
        for c in plan.conflicts
    ]
    return Preview(
        action="Merge counterparties",
        target=refs.iri(FAMILY, plan.survivor_id),
        details=plain(details),
        warnings=warnings,
        fingerprint=state_digest([compact_record(r, keep=_KEPT) for r in records]),
    )


async def _merge(inv: Invocation, args: MergeInput) -> ItemResult:
    # The plan's refusals hold even when confirmation is switched off.
    await _plan(inv, args)
    survivor, duplicates = _ids(args)
    body = {"duplicates": [refs.iri(FAMILY, i) for i in duplicates]}
    answer = await inv.api.post_action(MERGE.path(id=survivor), body)
    return ItemResult(item=plain(compact_record(answer or {}, keep=_KEPT)))


async def _enrich(inv: Invocation, args: EnrichInput) -> ActionResult:
    if args.counterparty is None:
        answer = await inv.api.post_action(ENRICH_ALL.path())
        scope = "every counterparty missing a logo or website"
    else:
        counterparty_id = ref_id(args.counterparty, FAMILY, "counterparty")
        answer = await inv.api.post_action(ENRICH_ONE.path(id=counterparty_id))
        scope = f"counterparty {counterparty_id}"
    return ActionResult(
        ok=True, result=compact_answer(answer), message=f"Branding lookup queued for {scope}; results appear shortly."
    )


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="merge_counterparty_records",
        title="Merge counterparty records",
        description="Merge duplicate counterparties into a survivor: transactions and accounts move, duplicates are "
        "deleted (asks first).",
        toolset="counterparties",
        risk=Risk.DESTRUCTIVE,
        operations=(MERGE.operation, GET_COUNTERPARTY.operation),
        input_model=MergeInput,
        output_model=ItemResult,
        handler=_merge,
        preview=_preview_merge,
        idempotent=False,
    )
    yield ToolSpec(
        name="enrich_counterparty_branding",
        title="Enrich counterparty branding",
        description="Queue a lookup of logo and website for one counterparty, or for all that lack them.",
        toolset="counterparties",
        risk=Risk.WRITE,
        operations=(ENRICH_ONE.operation, ENRICH_ALL.operation),
        input_model=EnrichInput,
        output_model=ActionResult,
        handler=_enrich,
        idempotent=True,
    )
