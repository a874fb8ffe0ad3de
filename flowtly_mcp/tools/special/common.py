"""Pieces the special tools share: documented endpoints with their request paths, references, collections.

An `Endpoint` ties the operation string a tool declares to the path it requests, so the two cannot drift apart:
both come from one documented template, checked against the inventory when the module is imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel

from flowtly_mcp.api import refs
from flowtly_mcp.finance.wire import collection_members
from flowtly_mcp.models.common import InputModel
from flowtly_mcp.tools.crud import fingerprint
from flowtly_mcp.tools.errors import ToolInputError
from flowtly_mcp.tools.inventory import op
from flowtly_mcp.tools.references import ref_id
from flowtly_mcp.tools.shaping import compact_record

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
T = TypeVar("T")


@dataclass(frozen=True)
class Endpoint:
    """One documented operation: `operation` for the tool's declaration, `path(...)` for the request."""

    method: str
    template: str

    def __post_init__(self) -> None:
        op(self.method, self.template)

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"

    def path(self, **ids: str) -> str:
        """The request path with each `{name}` replaced by its id, quoted as one path segment."""

        def fill(match: re.Match[str]) -> str:
            return refs.quote_id(ids[match.group(1)])

        return _PLACEHOLDER.sub(fill, self.template)


def endpoint(method: str, template: str) -> Endpoint:
    return Endpoint(method, template)


def ref_ids(values: Sequence[str | int], family: str, field: str) -> list[str]:
    """Ids of several references, in order; the same record twice is a mistake worth naming."""
    ids: list[str] = []
    for index, value in enumerate(values):
        record_id = ref_id(value, family, f"{field}[{index}]")
        if record_id in ids:
            raise ToolInputError(f"{field}: {family} {record_id} is listed twice; list each one once.")
        ids.append(record_id)
    return ids


def members(body: Any) -> list[dict[str, Any]]:
    """The records of a collection answer (Hydra, prefixed or not, or a plain array); none for an empty body."""
    return [dict(item) for item in collection_members(body)]


def total_of(body: Any) -> int | None:
    if isinstance(body, Mapping):
        value = body.get("hydra:totalItems", body.get("totalItems"))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def plain(value: Any) -> Any:
    """JSON-safe copy (Decimal as text) for preview details, which travel as JSON."""
    return json.loads(json.dumps(value, default=str))


def compact_answer(body: Any) -> dict[str, Any] | list[Any] | None:
    """An action's answer without JSON-LD noise, for `ActionResult.result`."""
    if isinstance(body, Mapping):
        record: dict[str, Any] = plain(compact_record(body))
        return record
    if isinstance(body, list):
        items: list[Any] = plain([compact_record(item) if isinstance(item, Mapping) else item for item in body])
        return items
    return None


def state_digest(*parts: Any) -> str:
    """A fingerprint over what a preview showed: a confirmation holds only while all of it is unchanged."""
    return fingerprint(plain(list(parts)))


async def gather(calls: Sequence[Callable[[], Awaitable[T]]], *, limit: int = 6) -> list[T]:
    """Run independent reads concurrently (at most `limit` at once); results in the order of `calls`.

    The first failure is raised as itself, not wrapped in an exception group, so the error boundary can
    describe it.
    """
    results: dict[int, T] = {}
    limiter = anyio.CapacityLimiter(limit)

    async def run(index: int, call: Callable[[], Awaitable[T]]) -> None:
        async with limiter:
            results[index] = await call()

    try:
        async with anyio.create_task_group() as group:
            for index, call in enumerate(calls):
                group.start_soon(run, index, call)
    except BaseExceptionGroup as failures:
        raise _first_leaf(failures) from None
    return [results[index] for index in range(len(calls))]


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


class NoInput(InputModel):
    """Arguments of a tool that takes none."""


class BatchResult(BaseModel):
    """Outcome of a bulk action, one entry per record; `failed` > 0 means some were not done (see results)."""

    total: int
    succeeded: int
    failed: int
    results: list[dict[str, Any]]
    message: str | None = None
