"""Tools for the endpoints that are not plain CRUD: sending, KSeF, downloads, suggestions, imports, searches."""

from __future__ import annotations

from collections.abc import Iterator

from flowtly_mcp.tools.registry import ToolSpec
from flowtly_mcp.tools.special import (
    attachments,
    clients,
    counterparties,
    downloads,
    invoices,
    ksef,
    payments,
    transactions,
)


def special_specs() -> Iterator[ToolSpec]:
    for area in (invoices, ksef, downloads, transactions, attachments, counterparties, clients, payments):
        yield from area.specs()
