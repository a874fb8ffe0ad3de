"""`/docs.json` (the OpenAPI document of what the sandbox emulates) and the API entrypoint."""

from __future__ import annotations

from flowtly_mcp.sandbox.openapi import openapi_document
from flowtly_mcp.sandbox.protocol import Call, Reply
from flowtly_mcp.sandbox.resources import RESOURCES


def openapi(call: Call) -> Reply:
    return Reply(
        200, openapi_document(call.world.config.page_size, call.world.config.profile), media_type="application/json"
    )


def entrypoint(call: Call) -> Reply:  # noqa: ARG001 - handler signature
    links = {
        resource.entity[0].lower() + resource.entity[1:]: resource.collection_iri for resource in RESOURCES.values()
    }
    return Reply(200, {"@context": "/api/contexts/Entrypoint", "@id": "/api", "@type": "Entrypoint", **links})
