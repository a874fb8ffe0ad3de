"""References in tool arguments (id, IRI or URL): reduced to an id or an IRI, or refused naming the argument."""

from __future__ import annotations

from collections.abc import Sequence

from flowtly_mcp.api import refs
from flowtly_mcp.tools.kernel.errors import ToolInputError


def ref_id(value: str | int, family: str, field: str) -> str:
    """The id inside a reference to `family`; a wrong reference is the caller's mistake, named by `field`."""
    try:
        return refs.parse_ref(value, family)
    except ValueError as exc:
        raise ToolInputError(f"{field}: {exc}") from None


def ref_iri(value: str | int, family: str, field: str) -> str:
    """The IRI (`/api/<family>/<id>`) of a reference to `family`, as request bodies and filters carry it."""
    try:
        return refs.iri(family, value)
    except ValueError as exc:
        raise ToolInputError(f"{field}: {exc}") from None


def ref_ids(values: Sequence[str | int], family: str, field: str) -> list[str]:
    """Ids of several references, in order; the same record twice is a mistake worth naming."""
    ids: list[str] = []
    for index, value in enumerate(values):
        record_id = ref_id(value, family, f"{field}[{index}]")
        if record_id in ids:
            raise ToolInputError(f"{field}: {family} {record_id} is listed twice; list each one once.")
        ids.append(record_id)
    return ids
