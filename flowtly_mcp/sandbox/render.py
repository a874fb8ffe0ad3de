"""JSON-LD items and Hydra collections, in the prefixed (`hydra:member`) or unprefixed (`member`) form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flowtly_mcp.sandbox.query import Query, build_query
from flowtly_mcp.sandbox.schema import Kind, Resource
from flowtly_mcp.sandbox.store import Record


def wire_value(kind: Kind, value: Any) -> Any:
    """A stored value in the JSON type the docs give the field."""
    if value is None:
        return None
    if kind is Kind.DECIMAL_STRING:
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return value


def item(resource: Resource, view: Record, *, embedded: bool = False) -> dict[str, Any]:
    """One record as API Platform serializes it; embedded items carry no `@context`."""
    document: dict[str, Any] = {}
    if not embedded:
        document["@context"] = f"/api/contexts/{resource.entity}"
    document["@id"] = resource.iri(view["id"])
    document["@type"] = resource.entity
    document["id"] = view["id"]
    for field in resource.fields:
        document[field.name] = wire_value(field.kind, view.get(field.name))
    return document


def strip_linked_data(value: Any) -> Any:
    """The plain-JSON rendering: no `@` keys anywhere, collections become bare arrays."""
    if isinstance(value, dict):
        members = value.get("hydra:member", value.get("member")) if _is_collection(value) else None
        if members is not None:
            return [strip_linked_data(member) for member in members]
        return {key: strip_linked_data(item) for key, item in value.items() if not key.startswith("@")}
    if isinstance(value, list):
        return [strip_linked_data(entry) for entry in value]
    return value


def _is_collection(document: dict[str, Any]) -> bool:
    return document.get("@type") in ("hydra:Collection", "Collection")


def search_template(resource: Resource, collection_iri: str, prefix: bool) -> dict[str, Any]:
    """`hydra:search`: the IRI template of every filter the collection accepts."""
    mapping: list[tuple[str, str]] = []
    filters = resource.filters
    for name in ("id", *filters.exact):
        mapping += [(name, name), (f"{name}[]", name)]
    mapping += [(name, name) for name in filters.partial]
    for name in filters.dates:
        mapping += [(f"{name}[{op}]", name) for op in ("before", "strictly_before", "after", "strictly_after")]
    for name in filters.ranges:
        mapping += [(f"{name}[{op}]", name) for op in ("between", "gt", "gte", "lt", "lte")]
    mapping += [(f"order[{name}]", name) for name in filters.order]
    mapping += [(f"exists[{name}]", name) for name in filters.exists]
    variables = ",".join(variable for variable, _ in mapping)
    p = "hydra:" if prefix else ""
    return {
        "@type": f"{p}IriTemplate",
        f"{p}template": f"{collection_iri}{{?{variables}}}",
        f"{p}variableRepresentation": "BasicRepresentation",
        f"{p}mapping": [
            {"@type": "IriTemplateMapping", "variable": variable, "property": prop, "required": False}
            for variable, prop in mapping
        ],
    }


def collection(
    *,
    entity: str,
    collection_iri: str,
    members: list[dict[str, Any]],
    total: int,
    page: int,
    per_page: int,
    request_path: str,
    query: Query,
    prefix: bool,
    search: dict[str, Any] | None,
) -> dict[str, Any]:
    p = "hydra:" if prefix else ""
    document: dict[str, Any] = {
        "@context": f"/api/contexts/{entity}",
        "@id": collection_iri,
        "@type": f"{p}Collection",
        f"{p}totalItems": total,
        f"{p}member": members,
    }
    view = partial_collection_view(
        request_path=request_path, query=query, page=page, per_page=per_page, total=total, prefix=prefix
    )
    if view is not None:
        document[f"{p}view"] = view
    if search is not None:
        document[f"{p}search"] = search
    return document


def last_page(total: int, per_page: int) -> int:
    if per_page <= 0:
        return 1
    return max(1, -(-total // per_page))


def partial_collection_view(
    *, request_path: str, query: Query, page: int, per_page: int, total: int, prefix: bool
) -> dict[str, Any] | None:
    """`hydra:view` as API Platform's PartialCollectionViewNormalizer builds it.

    Omitted for a single page without filters; `@id` only for a single page with filters; otherwise first/last
    and previous/next around the current page. `page` always goes last in the links.
    """
    filters = {key: value for key, value in query.items() if key != "page"}
    applied = {key: value for key, value in filters.items() if key != "pagination"}
    final_page = last_page(total, per_page)
    paginated = final_page != 1
    if not applied and not paginated:
        return None
    p = "hydra:" if prefix else ""

    def link(number: int | None) -> str:
        parameters: Query = dict(filters)
        if number is not None:
            parameters["page"] = str(number)
        encoded = build_query(parameters)
        return f"{request_path}?{encoded}" if encoded else request_path

    view: dict[str, Any] = {"@id": link(page if paginated else None), "@type": f"{p}PartialCollectionView"}
    if paginated:
        view[f"{p}first"] = link(1)
        view[f"{p}last"] = link(final_page)
        if page != 1:
            view[f"{p}previous"] = link(page - 1)
        if page < final_page:
            view[f"{p}next"] = link(page + 1)
    return view
