"""Reading IRIs the way API Platform's IriConverter does, with the exact 400 messages it answers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flowtly_mcp.sandbox.errors import ApiError
from flowtly_mcp.sandbox.resources import REFERENCED_ONLY, RESOURCES
from flowtly_mcp.sandbox.world import World

_IRI = re.compile(r"^(?:/api)?/([a-z][a-z-]*)/([A-Za-z0-9_.-]+)$")


def split_iri(value: str) -> tuple[str, str] | None:
    """`/api/clients/3` (or `/clients/3`, or a full URL) → ("clients", "3"); None when it is no item IRI."""
    try:
        path = urlsplit(value).path if "://" in value else value
    except ValueError:  # e.g. an unclosed IPv6 bracket in the host part
        return None
    match = _IRI.match(path)
    if match is None:
        return None
    return match.group(1), match.group(2)


def resolve(world: World, value: str, target: str) -> str:
    """The canonical IRI of an existing record of `target`, or the 400 API Platform answers."""
    parts = split_iri(value)
    if parts is None or (parts[0] not in RESOURCES and parts[0] not in REFERENCED_ONLY):
        raise ApiError(400, f'Invalid IRI "{value}".')
    family, record_id = parts
    if family != target:
        raise ApiError(400, f'The iri "{value}" does not reference the correct resource.')
    if not _exists(world, family, record_id):
        raise ApiError(400, f'Item not found for "{value}".')
    return f"/api/{family}/{record_id}"


def _exists(world: World, family: str, record_id: str) -> bool:
    if family in RESOURCES:
        return world.find(family, record_id) is not None
    if family == "currencies":
        return re.fullmatch(r"[A-Z]{3}", record_id) is not None
    if world.store.count(family) == 0:
        return True
    return world.find(family, record_id) is not None
