"""The hooks a family's business rules plug into; the plain CRUD of a family with no special rules.

Generic handlers (`crud.py`) call these hooks in a fixed order, so a family's rules live in one small class:
`view` adds derived fields, `embed` adds embedded documents, `prepare_*` checks and completes a write before
anything is stored, `after_*` writes dependent records, `before_delete` refuses deletions that would break
the books.
"""

from __future__ import annotations

from typing import Any

from flowtly_mcp.sandbox.errors import Violation
from flowtly_mcp.sandbox.schema import Resource
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


class Behaviour:
    def __init__(self, resource: Resource) -> None:
        self.resource = resource

    def view(self, world: World, record: Record) -> Record:  # noqa: ARG002 - a hook: overrides use the arguments
        """The record as clients see it, with derived fields (used for filtering and rendering)."""
        return record

    def embed(self, world: World, view: Record, document: dict[str, Any]) -> None:
        """Add embedded documents to a rendered item."""

    def on_read(self, world: World, record: Record) -> Record:  # noqa: ARG002 - a hook
        """Called when one item is read; may advance state that moves on its own (KSeF processing)."""
        return record

    def prepare_create(self, world: World, record: Record, body: dict[str, Any]) -> list[Violation]:  # noqa: ARG002
        """Fill defaults and check business rules on a new record; return violations (nothing is stored yet)."""
        return []

    def after_create(self, world: World, record: Record, body: dict[str, Any]) -> None:
        """Write records that depend on the new one (inside the same transaction)."""

    def prepare_update(
        self,
        world: World,  # noqa: ARG002 - a hook: overrides use the arguments
        current: Record,  # noqa: ARG002
        merged: Record,  # noqa: ARG002
        changes: dict[str, Any],  # noqa: ARG002
    ) -> list[Violation]:
        return []

    def after_update(self, world: World, before: Record, after: Record, body: dict[str, Any]) -> None:
        """React to a stored change (inside the same transaction)."""

    def before_delete(self, world: World, record: Record) -> None:
        """Raise ApiError to refuse the deletion."""

    def delete(self, world: World, record: Record) -> None:
        world.store.delete(self.resource.family, record["id"])
