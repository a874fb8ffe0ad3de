"""The OpenAPI 3.1 document of the sandbox, built from the resource catalog and the route table.

Paths are the documented ones (no `/api` prefix; the sandbox answers both). Request bodies are JSON Schemas
derived from the same field declarations that validation uses, so fuzzing from this document exercises the
real rules.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as package_files
from typing import Any

from flowtly_mcp.sandbox.profiles import Profile, served_resource
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.schema import Field, Kind, Resource

_NULLABLE = {"string", "number", "integer"}


def field_schema(field: Field) -> dict[str, Any]:
    schema: dict[str, Any]
    kind = field.kind
    if kind is Kind.STRING:
        schema = {"type": "string"}
        if field.choices:
            schema["enum"] = list(field.choices)
    elif kind is Kind.DATETIME:
        schema = {"type": "string", "format": "date-time"}
    elif kind is Kind.IRI:
        schema = {"type": "string", "format": "iri-reference", "example": f"/api/{field.target}/1"}
    elif kind is Kind.NUMBER:
        schema = {"type": "number"}
    elif kind is Kind.DECIMAL_STRING:
        schema = {"type": "string", "pattern": r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$", "example": "100.00"}
    elif kind in (Kind.INT, Kind.MINOR_UNITS):
        schema = {"type": "integer"}
        if field.bounds is not None:
            schema["minimum"], schema["maximum"] = field.bounds
    elif kind is Kind.BOOL:
        schema = {"type": "boolean"}
    elif kind is Kind.FLAG:
        schema = {"type": "integer", "enum": [0, 1]}
    elif kind is Kind.IRI_LIST:
        schema = {"type": "array", "items": {"type": "string", "format": "iri-reference"}}
    elif kind is Kind.STRING_LIST:
        items: dict[str, Any] = {"type": "string"}
        if field.choices:
            items["enum"] = list(field.choices)
        schema = {"type": "array", "items": items}
    else:
        schema = {"type": ["object", "array"]}
    if field.nullable and isinstance(schema.get("type"), str) and schema["type"] in _NULLABLE:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    if not field.writable:
        schema["readOnly"] = True
    return schema


def write_schema(resource: Resource, *, creating: bool) -> dict[str, Any]:
    properties = {f.name: field_schema(f) for f in resource.fields if f.writable}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.name for f in resource.fields if f.writable and f.required]
    if creating and required:
        schema["required"] = required
    return schema


def read_schema(resource: Resource) -> dict[str, Any]:
    id_schema = {"type": "integer"} if resource.integer_ids else {"type": "string"}
    properties: dict[str, Any] = {
        "@context": {"type": "string", "readOnly": True},
        "@id": {"type": "string", "readOnly": True},
        "@type": {"type": "string", "readOnly": True},
        "id": {**id_schema, "readOnly": True},
    }
    properties.update({f.name: field_schema(f) for f in resource.fields})
    return {"type": "object", "description": resource.description, "properties": properties}


def filter_parameters(resource: Resource) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        _query("page", {"type": "integer", "default": 1}),
        _query("itemsPerPage", {"type": "integer"}),
    ]
    filters = resource.filters
    for name in ("id", *filters.exact):
        params.append(_query(name, {"type": "string"}))
        params.append(_query(f"{name}[]", {"type": "array", "items": {"type": "string"}}, explode=True))
    params += [_query(name, {"type": "string"}) for name in filters.partial]
    for name in filters.dates:
        params += [
            _query(f"{name}[{op}]", {"type": "string", "format": "date"})
            for op in ("before", "strictly_before", "after", "strictly_after")
        ]
    for name in filters.ranges:
        params += [_query(f"{name}[{op}]", {"type": "string"}) for op in ("between", "gt", "gte", "lt", "lte")]
    params += [_query(f"order[{name}]", {"type": "string", "enum": ["asc", "desc"]}) for name in filters.order]
    params += [_query(f"exists[{name}]", {"type": "boolean"}) for name in filters.exists]
    return params


def _query(name: str, schema: dict[str, Any], *, explode: bool = False) -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": schema}
    if explode:
        parameter["style"] = "form"
        parameter["explode"] = True
    return parameter


def _iri_list(key: str, target: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [key],
        "properties": {
            key: {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "format": "iri-reference", "example": f"/api/{target}/1"},
            }
        },
    }


_ACTION_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/counterparties/{id}/merge"): _iri_list("duplicates", "counterparties"),
    ("POST", "/invoices/send"): _iri_list("invoices", "invoices"),
    ("POST", "/e-invoices/send"): _iri_list("invoices", "invoices"),
    ("POST", "/transactions/attachments/zip"): _iri_list("transactions", "transactions"),
    ("POST", "/invoices/{id}/send"): {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "subject": {"type": "string"},
            "message": {"type": "string"},
        },
    },
    ("POST", "/e-invoicing/invoices/{id}/correction"): {
        "type": "object",
        "required": ["correctionReason"],
        "properties": {
            "correctionReason": {"type": "string"},
            "invoiceRows": {"type": "array", "items": write_schema(RESOURCES["invoice-rows"], creating=True)},
        },
    },
    ("POST", "/e-invoicing/invoices/inbound/sync"): {
        "type": "object",
        "required": ["dateFrom", "dateTo"],
        "properties": {
            "dateFrom": {"type": "string", "format": "date"},
            "dateTo": {"type": "string", "format": "date"},
        },
    },
    ("POST", "/transactions/import"): {
        "type": "object",
        "required": ["transactions"],
        "properties": {
            "transactions": {
                "type": "array",
                "minItems": 1,
                "items": write_schema(RESOURCES["transactions"], creating=True),
            }
        },
    },
    ("POST", "/transaction-attachments/create"): {
        **write_schema(RESOURCES["transaction-attachments"], creating=True),
    },
    ("POST", "/login"): {
        "type": "object",
        "required": ["username", "password"],
        "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
    },
}


# Actions whose success is not a plain 200: creations answer 201, work KSeF or a queue finishes later 202.
_SUCCESS = {
    ("POST", "/transaction-attachments/create"): "201",
    ("POST", "/e-invoicing/ksef/session"): "201",
    ("POST", "/e-invoicing/invoices/{id}/correction"): "201",
    ("POST", "/transactions/import"): "201",
    ("POST", "/transactions/{id}/suggestions/{suggestionId}/apply"): "201",
    ("POST", "/e-invoicing/invoices/{id}/send"): "202",
    ("POST", "/e-invoices/send"): "202",
    ("POST", "/e-invoicing/invoices/inbound/queue"): "202",
    ("POST", "/counterparties/enrich-branding-ai"): "202",
    ("POST", "/counterparties/{id}/enrich-branding-ai"): "202",
}


@cache
def _inventory() -> dict[tuple[str, str], dict[str, Any]]:
    text = package_files.files("flowtly_mcp").joinpath("data/endpoints.json").read_text(encoding="utf-8")
    return {(e["method"], e["path"]): e for e in json.loads(text)["endpoints"]}


def _family_of(template: str) -> Resource | None:
    first = template.strip("/").split("/")[0]
    return RESOURCES.get("e-invoicing" if first == "e-invoices" else first)


def _operation(method: str, template: str, profile: Profile) -> dict[str, Any]:
    entry = _inventory().get((method, template), {})
    resource = _family_of(template)
    kind = entry.get("kind", "action")
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()}_{template.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
        "summary": entry.get("summary", ""),
        "tags": [resource.entity if resource else "Service"],
        "responses": {"default": {"description": "An API Platform problem document"}},
    }
    parameters: list[dict[str, Any]] = []
    for name in [part[1:-1] for part in template.split("/") if part.startswith("{")]:
        integer = resource is not None and resource.integer_ids and name == "id" and "download" not in template
        schema = {"type": "integer", "minimum": 1} if integer else {"type": "string", "minLength": 1}
        if name == "date":
            schema = {"type": "string", "format": "date"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if kind == "list" and resource is not None:
        parameters += filter_parameters(served_resource(profile, resource))
    if template.endswith("/download/xml") and "{id}" not in template:
        parameters.append(_query("ids[]", {"type": "array", "items": {"type": "string"}}, explode=True))
    if template == "/transactions/export/mt940" and resource is not None:
        parameters += filter_parameters(served_resource(profile, resource))
    if parameters:
        operation["parameters"] = parameters
    body = _request_body(method, template, kind, resource)
    if body is not None:
        operation["requestBody"] = body
    status = _SUCCESS.get((method, template)) or {"create": "201", "delete": "204"}.get(kind, "200")
    operation["responses"][status] = {"description": "Success"}
    return operation


def _request_body(method: str, template: str, kind: str, resource: Resource | None) -> dict[str, Any] | None:
    special = _ACTION_BODIES.get((method, template))
    if template == "/transaction-attachments/create" and special is not None:
        upload = {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                **{k: v for k, v in special["properties"].items() if v.get("type") in ("string", ["string", "null"])},
            },
        }
        json_upload = {
            **special,
            "properties": {**special["properties"], "content": {"type": "string", "contentEncoding": "base64"}},
        }
        return {
            "required": True,
            "content": {"multipart/form-data": {"schema": upload}, "application/json": {"schema": json_upload}},
        }
    if special is not None:
        return {
            "required": True,
            "content": {"application/ld+json": {"schema": special}, "application/json": {"schema": special}},
        }
    if kind == "create" and resource is not None:
        schema = write_schema(resource, creating=True)
        return {
            "required": True,
            "content": {"application/ld+json": {"schema": schema}, "application/json": {"schema": schema}},
        }
    if kind == "update" and resource is not None:
        return {
            "required": True,
            "content": {"application/merge-patch+json": {"schema": write_schema(resource, creating=False)}},
        }
    return None


def openapi_document(page_size: int, profile: Profile) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, template in [*_inventory(), ("POST", "/login")]:
        paths.setdefault(template, {})[method.lower()] = _operation(method, template, profile)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Flowtly API (sandbox)",
            "version": "2.0.0",
            "description": "An emulation of the Flowtly API. Paths answer with and without the /api prefix; "
            f"collections page by {page_size}; PATCH takes application/merge-patch+json.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {
                resource.entity: read_schema(served_resource(profile, resource)) for resource in RESOURCES.values()
            },
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearerAuth": []}],
    }
