"""Generic list / get / create / update / delete for any family, with its behaviour's business rules."""

from __future__ import annotations

import re
from typing import Any

from flowtly_mcp.sandbox import filters, render
from flowtly_mcp.sandbox.documents import document, document_of_view
from flowtly_mcp.sandbox.errors import ApiError, not_found
from flowtly_mcp.sandbox.profiles import served_resource
from flowtly_mcp.sandbox.protocol import Call, Reply, created, no_content
from flowtly_mcp.sandbox.query import Query, first_value
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.schema import Kind, Resource
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.validation import body_object, denormalize, normalize, validate
from flowtly_mcp.sandbox.world import World

_PHP_INT = re.compile(r"^\s*([+-]?[0-9]+)")


def php_int(text: str) -> int:
    """PHP's `(int)` cast: leading digits, or 0."""
    match = _PHP_INT.match(text)
    return int(match.group(1)) if match else 0


def find_or_404(world: World, family: str, record_id: str) -> Record:
    resource = RESOURCES[family]
    if resource.integer_ids and not (record_id.isascii() and record_id.isdigit()):
        raise not_found()
    record = world.find(family, record_id)
    if record is None:
        raise not_found()
    return record


def page_window(world: World, query: Query) -> tuple[int, int]:
    """(page, itemsPerPage) from the query, with API Platform's checks."""
    page_text = first_value(query, "page")
    page = php_int(page_text) if page_text is not None else 1
    if page < 1:
        raise ApiError(400, "Page should not be less than 1")
    per_page = world.config.page_size
    per_page_text = first_value(query, "itemsPerPage")
    if per_page_text is not None and _PHP_INT.match(per_page_text):
        per_page = php_int(per_page_text)
        if per_page < 0:
            raise ApiError(400, "Item per page parameter should not be less than 0")
        per_page = min(per_page, world.config.max_page_size)
        if per_page == 0 and page > 1:
            raise ApiError(400, "Page should not be greater than 1 if limit is equal to 0")
    return page, per_page


def _applied_filters(world: World, resource: Resource, query: Query) -> Query:
    """The query without the filters this sandbox is set to ignore for the family (SandboxConfig.ignored_filters)."""
    ignored = world.config.ignored_filters.get(resource.family, frozenset())
    return {key: value for key, value in query.items() if key not in ignored} if ignored else query


def collection_reply(
    call: Call, resource: Resource, views: list[Record], *, collection_iri: str | None = None
) -> Reply:
    """Filter, order and paginate views into a Hydra collection of full member documents."""
    world = call.world
    resource = served_resource(world.config.profile, resource)
    page, per_page = page_window(world, call.query)
    selected = filters.apply(resource, views, _applied_filters(world, resource, call.query))
    start = (page - 1) * per_page
    members = [
        document_of_view(world, resource.family, view, embedded=True) for view in selected[start : start + per_page]
    ]
    iri = collection_iri or resource.collection_iri
    prefix = world.config.hydra_prefix
    body = render.collection(
        entity=resource.entity,
        collection_iri=iri,
        members=members,
        total=len(selected),
        page=page,
        per_page=per_page,
        request_path=call.path,
        query=call.query,
        prefix=prefix,
        search=render.search_template(resource, iri, prefix),
    )
    return Reply(200, body)


def list_items(resource: Resource) -> Any:
    def handler(call: Call) -> Reply:
        return collection_reply(call, resource, call.world.views(resource.family))

    return handler


def get_item(resource: Resource) -> Any:
    def handler(call: Call) -> Reply:
        world = call.world
        record = find_or_404(world, resource.family, call.path_id)
        record = world.behaviours[resource.family].on_read(world, record)
        return Reply(200, document(world, resource.family, record))

    return handler


def create_record(world: World, resource: Resource, body: dict[str, Any]) -> Record:
    """Validate and store a new record from a write body; returns the stored record."""
    behaviour = world.behaviours[resource.family]
    changes = denormalize(world, resource, body)
    record: Record = {"id": None, **_defaults(resource), **changes}
    extra = behaviour.prepare_create(world, record, body)
    validate(resource, record, extra=extra)
    normalize(resource, record)
    stamp = world.timestamp()
    for name in ("createdAt", "updatedAt"):
        if resource.field(name) is not None and not resource.field(name).writable:  # type: ignore[union-attr]
            record[name] = stamp
    with world.store.batch():
        record["id"] = world.store.next_id(resource.family, resource.id_prefix)
        world.store.insert(resource.family, record)
        behaviour.after_create(world, record, body)
    return record


def _defaults(resource: Resource) -> Record:
    defaults: Record = {}
    for field in resource.fields:
        if not field.writable:
            continue
        if field.kind is Kind.BOOL:
            defaults[field.name] = False
        elif field.kind is Kind.FLAG:
            defaults[field.name] = 0
        elif field.kind is Kind.STRING_LIST:
            defaults[field.name] = []
        else:
            defaults[field.name] = None
    return defaults


def create_item(resource: Resource) -> Any:
    def handler(call: Call) -> Reply:
        record = create_record(call.world, resource, body_object(call.json()))
        return created(document(call.world, resource.family, record))

    return handler


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge recursively, null removes a key, everything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def update_record(world: World, resource: Resource, current: Record, body: dict[str, Any]) -> Record:
    behaviour = world.behaviours[resource.family]
    changes = denormalize(world, resource, body)
    for name, value in list(changes.items()):
        field = resource.field(name)
        if field is not None and field.kind is Kind.OBJECT and isinstance(value, dict):
            changes[name] = merge_patch(current.get(name), value)
    merged: Record = {**current, **changes}
    extra = behaviour.prepare_update(world, current, merged, changes)
    validate(resource, merged, extra=extra)
    normalize(resource, merged)
    if resource.field("updatedAt") is not None:
        merged["updatedAt"] = world.timestamp()
    with world.store.batch():
        world.store.replace(resource.family, merged)
        behaviour.after_update(world, current, merged, body)
    return merged


def update_item(resource: Resource) -> Any:
    def handler(call: Call) -> Reply:
        world = call.world
        current = find_or_404(world, resource.family, call.path_id)
        record = update_record(world, resource, current, body_object(call.json()))
        return Reply(200, document(world, resource.family, record))

    return handler


def delete_record(world: World, resource: Resource, record: Record) -> None:
    behaviour = world.behaviours[resource.family]
    behaviour.before_delete(world, record)
    with world.store.batch():
        behaviour.delete(world, record)


def delete_item(resource: Resource) -> Any:
    def handler(call: Call) -> Reply:
        world = call.world
        record = find_or_404(world, resource.family, call.path_id)
        delete_record(world, resource, record)
        return no_content()

    return handler
