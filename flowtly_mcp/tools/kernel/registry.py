"""The tool registry: every tool is declared once, as a `ToolSpec`, and everything else is derived from it.

Annotations, the `_meta` operations list, toolset membership, read-only filtering and the confirmation guards all read
the spec; nothing keeps a hand-written list of tool names.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from mcp.types import ToolAnnotations
from pydantic import BaseModel

from flowtly_mcp.tools.kernel.guards import Preview
from flowtly_mcp.toolsets import CORE, TOOLSET_NAMES

if TYPE_CHECKING:
    from flowtly_mcp.tools.kernel.runtime import Invocation

OPERATIONS_META_KEY = "flowtly-mcp/operations"
DESCRIPTION_MAX_CHARS = 400


def published_annotations(*, read_only: bool, destructive: bool, idempotent: bool, open_world: bool) -> ToolAnnotations:
    """A tool's annotations without the hints that only repeat MCP's defaults (each costs every host tokens).

    The defaults are readOnlyHint false, destructiveHint true, idempotentHint false, openWorldHint true, and
    destructive/idempotent mean something only for a tool that writes. So: readOnlyHint always; for a writing tool
    destructiveHint always (explicitly, as hosts key their confirmation prompts on it), idempotentHint only when
    true; openWorldHint only when false. A read tool says nothing more.
    """
    return ToolAnnotations(
        read_only_hint=read_only,
        destructive_hint=None if read_only else destructive,
        idempotent_hint=True if idempotent and not read_only else None,
        open_world_hint=False if not open_world else None,
    )


def effective_hints(annotations: ToolAnnotations) -> dict[str, bool]:
    """What `annotations` mean to a host applying MCP's defaults (the inverse of `published_annotations`)."""
    read_only = bool(annotations.read_only_hint)
    return {
        "readOnlyHint": read_only,
        "destructiveHint": False if read_only else annotations.destructive_hint is not False,
        "idempotentHint": True if read_only else bool(annotations.idempotent_hint),
        "openWorldHint": annotations.open_world_hint is not False,
    }


class Risk(StrEnum):
    """What calling a tool can do to the account; guards attach by class."""

    READ = "read"
    WRITE = "write"
    OVERWRITE = "overwrite"  # updates: a field's old value is lost (asks first only when one would be erased)
    DESTRUCTIVE = "destructive"  # delete, detach, merge: data is lost
    IRREVERSIBLE = "irreversible"  # KSeF send and correction, sending to a client: cannot be taken back

    @property
    def guarded(self) -> bool:
        return self in (Risk.DESTRUCTIVE, Risk.IRREVERSIBLE)

    @property
    def destructive(self) -> bool:
        """What `destructiveHint` says: data can be lost or the effect cannot be taken back."""
        return self.guarded or self is Risk.OVERWRITE


InputT = TypeVar("InputT", bound=BaseModel)
OutputT = TypeVar("OutputT", bound=BaseModel)
PlanT = TypeVar("PlanT")


@dataclass(frozen=True)
class Planned(Generic[InputT, PlanT, OutputT]):
    """A guarded tool whose preview computes a plan (put in `Preview.plan`): the approved plan is the plan executed.

    Confirming re-reads only the records the plan touches (`recheck` returns the fingerprint the preview showed while
    they are unchanged) and runs `execute` with that plan, instead of planning again from a full read.
    """

    recheck: Callable[[Invocation, PlanT], Awaitable[str]]
    execute: Callable[[Invocation, InputT, PlanT], Awaitable[OutputT]]


@dataclass(frozen=True)
class ToolSpec(Generic[InputT, OutputT]):
    """One tool, declared once: its handler takes exactly its input model and returns exactly its output model."""

    name: str
    title: str
    description: str
    toolset: str
    risk: Risk
    operations: tuple[str, ...]
    input_model: type[InputT]
    output_model: type[OutputT]
    handler: Callable[[Invocation, InputT], Awaitable[OutputT]]
    # Guarded tools: what the call will do, read before anything changes (None: no confirmation needed).
    preview: Callable[[Invocation, InputT], Awaitable[Preview | None]] | None = None
    # Guarded tools that plan: confirm the previewed plan instead of planning again.
    planned: Planned[InputT, Any, OutputT] | None = None
    idempotent: bool | None = None
    open_world: bool = True
    extra_meta: dict[str, Any] = field(default_factory=dict)
    # Listed in the default surface ("core"), besides its own toolset: set only from tools/default_surface.py.
    core: bool = False
    # A write that needs confirmation only in some cases (its preview returns None otherwise).
    escalates: bool = False
    # Merge-patch updates: an explicit null clears a field, so the schema must say null is allowed.
    nullable_inputs: bool = False

    @property
    def annotations(self) -> ToolAnnotations:
        read_only = self.risk is Risk.READ
        idempotent = read_only if self.idempotent is None else self.idempotent
        return published_annotations(
            read_only=read_only, destructive=self.risk.destructive, idempotent=idempotent, open_world=self.open_world
        )

    @property
    def meta(self) -> dict[str, Any]:
        # Only what clients cannot derive: the risk is in the annotations, the toolset in search_tools.
        return {OPERATIONS_META_KEY: list(self.operations), **self.extra_meta}


# The registry holds tools of every input and output model; each one was type-checked where it was declared.
AnyToolSpec: TypeAlias = "ToolSpec[Any, Any]"

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class Registry:
    """All tools of the server, in a deterministic order (clients cache the tool list)."""

    def __init__(self, specs: Iterable[AnyToolSpec]) -> None:
        self._specs: dict[str, AnyToolSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: AnyToolSpec) -> None:
        if spec.name in self._specs:
            raise ValueError(f"tool {spec.name!r} is declared twice")
        if not _SNAKE.match(spec.name):
            raise ValueError(f"tool name {spec.name!r} is not snake_case")
        if spec.toolset not in TOOLSET_NAMES or spec.toolset == CORE:
            raise ValueError(f"tool {spec.name!r} names an unknown toolset {spec.toolset!r}")
        self._specs[spec.name] = spec

    def __iter__(self) -> Any:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def get(self, name: str) -> AnyToolSpec | None:
        return self._specs.get(name)

    def names(self) -> list[str]:
        return list(self._specs)

    def selected(self, toolsets: frozenset[str], *, read_only: bool) -> list[AnyToolSpec]:
        return [
            spec
            for spec in self._specs.values()
            if (spec.toolset in toolsets or (spec.core and CORE in toolsets))
            and (not read_only or spec.risk is Risk.READ)
        ]
