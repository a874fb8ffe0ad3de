"""Every tool of the server, in one registry: the generated CRUD tools, then each domain's hand-written tools.

The order is the order clients see (and cache): keep it stable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cache

from flowtly_mcp.tools.clients import clients
from flowtly_mcp.tools.counterparties import branding, merge
from flowtly_mcp.tools.crud import crud_specs
from flowtly_mcp.tools.default_surface import DEFAULT_SURFACE
from flowtly_mcp.tools.invoices import sending
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Registry
from flowtly_mcp.tools.ksef import downloads, raw, send, status
from flowtly_mcp.tools.payments import payments
from flowtly_mcp.tools.receivables import receivables
from flowtly_mcp.tools.reconciliation import batch, payment
from flowtly_mcp.tools.transactions import attachments, transactions


def special_specs() -> Iterator[AnyToolSpec]:
    """Tools for the endpoints that are not plain CRUD: sending, KSeF, downloads, suggestions, imports, searches."""
    for area in (sending, raw, downloads, transactions, attachments, branding, clients, payments):
        yield from area.specs()


def workflow_specs() -> Iterator[AnyToolSpec]:
    """Finance workflows that no single endpoint offers: reconciliation, KSeF sending, duplicates, receivables."""
    yield from payment.payment_specs()
    yield from batch.batch_specs()
    yield from send.ksef_send_specs()
    yield from status.ksef_status_specs()
    yield from merge.counterparty_specs()
    yield from receivables.receivables_specs()


@cache
def registry() -> Registry:
    specs = [*crud_specs(), *special_specs(), *workflow_specs()]
    # One list decides the default surface (see default_surface.py); declarations never set `core`.
    return Registry(replace(spec, core=spec.name in DEFAULT_SURFACE) for spec in specs)
