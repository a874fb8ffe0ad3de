"""Rendering records of any family into JSON-LD items, through the family's behaviour."""

from __future__ import annotations

from typing import Any

from flowtly_mcp.sandbox import render
from flowtly_mcp.sandbox.profiles import cut, served_fields
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.resources.published import EMBEDDED_RELATIONS
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def document(world: World, family: str, record: Record, *, embedded: bool = False) -> dict[str, Any]:
    """A record with its derived fields and embedded documents, as a JSON-LD item."""
    return document_of_view(world, family, world.view(family, record), embedded=embedded)


def _as_profile_serves(world: World, family: str, rendered: dict[str, Any]) -> dict[str, Any]:
    profile = world.config.profile
    if served_fields(profile, family) is None:
        return rendered
    shaped = cut(profile, family, rendered)
    for name, target in EMBEDDED_RELATIONS.get(family, {}).items():
        reference = shaped.get(name)
        if isinstance(reference, str):
            related = world.find(target, reference.rsplit("/", 1)[-1])
            shaped[name] = document(world, target, related, embedded=True) if related is not None else None
    return shaped


def document_of_view(world: World, family: str, view: Record, *, embedded: bool = False) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        rendered = render.item(RESOURCES[family], view, embedded=embedded)
        world.behaviours[family].embed(world, view, rendered)
        return _as_profile_serves(world, family, rendered)

    if view is world.view(family, view):
        return world.document(family, view["id"], embedded, build)
    return build()
