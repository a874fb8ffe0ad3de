"""Finance workflows that no single endpoint offers: reconciliation, KSeF sending, duplicates, receivables."""

from __future__ import annotations

from collections.abc import Iterator

from flowtly_mcp.tools.registry import ToolSpec
from flowtly_mcp.tools.workflows.counterparties import counterparty_specs
from flowtly_mcp.tools.workflows.ksef_send import ksef_send_specs
from flowtly_mcp.tools.workflows.ksef_status import ksef_status_specs
from flowtly_mcp.tools.workflows.receivables import receivables_specs
from flowtly_mcp.tools.workflows.reconcile_batch import batch_specs
from flowtly_mcp.tools.workflows.reconcile_payment import payment_specs


def workflow_specs() -> Iterator[ToolSpec]:
    yield from payment_specs()
    yield from batch_specs()
    yield from ksef_send_specs()
    yield from ksef_status_specs()
    yield from counterparty_specs()
    yield from receivables_specs()
