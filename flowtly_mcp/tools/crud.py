"""Plain list/get/create/update/delete tools, produced from the family declarations and the endpoint inventory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, create_model

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import documented
from flowtly_mcp.models.common import InvoiceRef, RefText, RefTo
from flowtly_mcp.tools.families import FAMILIES, Family
from flowtly_mcp.tools.kernel.bodies import body_of
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, fingerprint
from flowtly_mcp.tools.kernel.listing import check_here, declared_for, filter_uses, local_page
from flowtly_mcp.tools.kernel.naming import with_names
from flowtly_mcp.tools.kernel.params import ById, GetControls, ListControls
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import DeleteResult, ItemResult, ListResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_record, shape, shape_page
from flowtly_mcp.tools.plurals import plural_label
from flowtly_mcp.tools.update_checks import update_check

ModelT = TypeVar("ModelT", bound=BaseModel)


def _merge(name: str, base: type[ModelT], *models: type[BaseModel], **extra: Any) -> type[ModelT]:
    """A model with the fields of `models` (and `extra`) over `base`, whose fields the handler reads by name."""
    fields: dict[str, Any] = {}
    for model in models:
        for field_name, info in model.model_fields.items():
            fields[field_name] = (info.annotation, info)
    fields.update(extra)
    return create_model(name, __base__=base, **fields)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _id_field(family: Family) -> Any:
    if family.path == "invoices":
        return (InvoiceRef, ...)
    return (Annotated[RefText, RefTo(family.path)], ...)


def query_of(filters: type[BaseModel], args: BaseModel) -> list[tuple[str, str]]:
    """API Platform query parameters for the filter fields that were given."""
    return [pair for use in filter_uses(filters, args) for pair in use.pairs]


def _list_spec(family: Family, operation: str, path: str) -> ToolSpec[ListControls, ListResult]:
    model = _merge(f"List{family.plural.title().replace('_', '')}Input", ListControls, family.filters)

    async def handler(inv: Invocation, args: ListControls) -> ListResult:
        uses = filter_uses(family.filters, args)
        declared = declared_for(path, await inv.api.declared_filters(path) if uses else frozenset())
        # A filter the API does not declare would be ignored by it: such filters are checked here instead.
        local = [use for use in uses if not use.keys <= declared]
        sent = [pair for use in uses if use not in local for pair in use.pairs]

        def shaped(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return shape_page(
                records, view=args.view, fields=args.fields, compact_fields=family.compact, derive=family.derive
            )

        if not local:
            page = await inv.api.list_slice(path, sent, limit=args.limit, cursor=args.cursor)
            return ListResult.of(shaped(page.items), total=page.total, next_cursor=page.next_cursor)
        checked = await check_here(inv, path, family.label, sent, local)
        all_pairs = [pair for use in uses for pair in use.pairs]
        items, next_cursor = local_page(checked, path, all_pairs, args.limit, args.cursor)
        return ListResult.of(
            shaped(items), total=len(checked.records), next_cursor=next_cursor, checked_here=checked.names
        )

    return ToolSpec(
        name=f"list_{family.plural}",
        title=f"List {plural_label(family.label)}",
        # Paging and filters show in the schema, and the server instructions say how lists page once for all.
        description=f"List {plural_label(family.label)}.",
        toolset=family.toolset,
        risk=Risk.READ,
        operations=(operation,),
        input_model=model,
        output_model=ListResult,
        handler=handler,
    )


def _get_spec(family: Family, operation: str) -> ToolSpec[GetControls, ItemResult]:
    model = _merge(f"Get{family.singular.title()}Input", GetControls, id=_id_field(family))

    async def handler(inv: Invocation, args: GetControls) -> ItemResult:
        record = await inv.api.get(refs.item_path(family.path, ref_id(args.id, family.path, "id")))
        return ItemResult(
            item=shape(record, view="compact", fields=args.fields, compact_fields=None, derive=family.derive)
        )

    return ToolSpec(
        name=f"get_{family.singular}",
        title=f"Get {family.label}",
        description=f"Get one {family.label}.",
        toolset=family.toolset,
        risk=Risk.READ,
        operations=(operation,),
        input_model=model,
        output_model=ItemResult,
        handler=handler,
    )


def _create_spec(family: Family, operation: str, path: str) -> ToolSpec[BaseModel, ItemResult]:
    assert family.create is not None

    async def handler(inv: Invocation, args: BaseModel) -> ItemResult:
        record = await inv.api.create(path, body_of(args), family=family.path)
        return ItemResult(item=shape(record, view="compact", fields=None, compact_fields=None, derive=family.derive))

    return ToolSpec(
        name=f"create_{family.singular}",
        title=f"Create {family.label}",
        description=f"Create {_a(family.label)}. Not idempotent: check before retrying.",
        toolset=family.toolset,
        risk=Risk.WRITE,
        operations=(operation,),
        input_model=family.create,
        output_model=ItemResult,
        handler=handler,
        idempotent=False,
        preview=family.create_check,
        escalates=family.create_check is not None,
    )


def _update_spec(family: Family, operation: str, has_get: bool) -> ToolSpec[ById, ItemResult]:
    assert family.update is not None
    model = _merge(f"Update{family.singular.title()}Input", ById, family.update, id=_id_field(family))
    model_fields = frozenset(family.update.model_fields)

    async def handler(inv: Invocation, args: ById) -> ItemResult:
        changes = body_of(args, only_set=True, exclude=frozenset({"id"}))
        changes = {k: v for k, v in changes.items() if k in model_fields}
        if not changes:
            raise ToolInputError(f"Nothing to change: give at least one of {', '.join(sorted(model_fields))}.")
        record = await inv.api.patch(
            refs.item_path(family.path, ref_id(args.id, family.path, "id")), changes, family=family.path
        )
        return ItemResult(item=shape(record, view="compact", fields=None, compact_fields=None, derive=family.derive))

    return ToolSpec(
        name=f"update_{family.singular}",
        title=f"Update {family.label}",
        description=f"Change fields of {_a(family.label)}; only those given (null erases).",
        toolset=family.toolset,
        risk=Risk.OVERWRITE,
        operations=(operation,),
        input_model=model,
        output_model=ItemResult,
        handler=handler,
        idempotent=True,
        nullable_inputs=True,
        # Asks first when it erases a non-empty field or does what a guarded tool does (update_checks).
        preview=update_check(family, has_get=has_get),
        escalates=True,
    )


def _delete_spec(family: Family, operation: str, has_get: bool) -> ToolSpec[ById, DeleteResult]:
    model = _merge(f"Delete{family.singular.title()}Input", ById, id=_id_field(family))

    async def preview(inv: Invocation, args: ById) -> Preview:
        record_id = ref_id(args.id, family.path, "id")
        if has_get:
            record = await inv.api.get(refs.item_path(family.path, record_id))
            details = compact_record(record, keep=family.compact)
            details.update({k: v for k, v in (family.derive(record) if family.derive else {}).items() if v})
            details = await with_names(inv, details)
            if details.get("ksefNumber"):
                # KSeF keeps accepted invoices for ten years: refuse here rather than after the user agreed.
                raise ToolRefused(
                    f"{family.label.capitalize()} {record_id} has KSeF number {details['ksefNumber']} and cannot be "
                    "deleted; issue a correction invoice instead (send_ksef_correction corrects it to zero)."
                )
        else:
            record, details = {"id": record_id}, {}
        return Preview(
            action=f"Delete {family.label}",
            target=refs.iri(family.path, record_id),
            details=json.loads(json.dumps(details, default=str)),
            warnings=["This cannot be undone."],
            fingerprint=fingerprint(record),
        )

    async def handler(inv: Invocation, args: ById) -> DeleteResult:
        record_id = ref_id(args.id, family.path, "id")
        await inv.api.delete(refs.item_path(family.path, record_id))
        return DeleteResult(deleted=refs.iri(family.path, record_id))

    return ToolSpec(
        name=f"delete_{family.singular}",
        title=f"Delete {family.label}",
        description=f"Delete {_a(family.label)}.",
        toolset=family.toolset,
        risk=Risk.DESTRUCTIVE,
        operations=(operation,),
        input_model=model,
        output_model=DeleteResult,
        handler=handler,
        preview=preview,
        idempotent=True,
    )


def _family_specs(family: Family, documented: set[str]) -> Iterator[tuple[str, AnyToolSpec]]:
    collection, item = f"/{family.path}", f"/{family.path}/{{id}}"
    list_op, get_op = f"GET {collection}", f"GET {item}"
    if list_op in documented:
        yield "list", _list_spec(family, list_op, collection)
    if get_op in documented:
        yield "get", _get_spec(family, get_op)
    if f"POST {collection}" in documented and family.create is not None:
        yield "create", _create_spec(family, f"POST {collection}", collection)
    if f"PATCH {item}" in documented and family.update is not None:
        yield "update", _update_spec(family, f"PATCH {item}", has_get=get_op in documented)
    if f"DELETE {item}" in documented:
        yield "delete", _delete_spec(family, f"DELETE {item}", has_get=get_op in documented)


def crud_specs() -> Iterator[AnyToolSpec]:
    """One tool per plain documented operation of each family."""
    operations = {e.operation for e in documented()}
    for family in FAMILIES:
        for kind, spec in _family_specs(family, operations):
            yield replace(spec, core=kind in family.core_kinds)
