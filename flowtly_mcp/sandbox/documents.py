"""Rendering records of any family into JSON-LD items, through the family's behaviour."""

from __future__ import annotations

from typing import Any

from flowtly_mcp.sandbox import render
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def document(world: World, family: str, record: Record, *, embedded: bool = False) -> dict[str, Any]:
    """A record with its derived fields and embedded documents, as a JSON-LD item."""
    return document_of_view(world, family, world.view(family, record), embedded=embedded)


def document_of_view(world: World, family: str, view: Record, *, embedded: bool = False) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        rendered = render.item(RESOURCES[family], view, embedded=embedded)
        world.behaviours[family].embed(world, view, rendered)
        return rendered

    if view is world.view(family, view):
        return world.document(family, view["id"], embedded, build)
    return build()
