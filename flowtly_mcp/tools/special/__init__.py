"""Tools for the endpoints that are not plain CRUD: sending, KSeF, downloads, suggestions, imports, searches."""

from __future__ import annotations

from collections.abc import Iterator

from flowtly_mcp.tools.registry import ToolSpec
from flowtly_mcp.tools.special import invoices


def special_specs() -> Iterator[ToolSpec]:
    yield from invoices.specs()
