"""A confirmed batch costs about its writes, even against a server that ignores the `transaction` filter.

The sandbox here is set to list every invoice-transaction whatever `transaction` asks (SandboxConfig
.ignored_filters), as a real API may. The confirmation must still read the payments' applications once for the
whole batch (not once per payment, not once per chunk of payments), must not take other payments' applications for
the plan's own, and must stay within the preview's requests plus its writes plus a small constant. Requests are
counted at the sandbox; nothing is timed here (bench/suites/confirm_cost.py times it).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from tests.api_variants import ApiVariant

from .conftest import MODES, TODAY, body, server_for

pytestmark = pytest.mark.anyio
PERIOD = {"date_from": "2025-01-01", "date_to": TODAY.isoformat(), "dry_run": False}
# Requests a confirmation may spend beyond the preview's and its own writes.
CONSTANT = 5
IGNORES_TRANSACTION = {"invoice-transactions": frozenset({"transaction"})}


def plant_payments(sandbox: Sandbox, count: int) -> int:
    """One transfer per open PLN invoice, naming it, of its open amount: confident matches enough to span chunks."""
    views = [sandbox.world.view("invoices", record) for record in sandbox.store.all("invoices")]
    targets = [
        view
        for view in views
        if view.get("status") != "draft"
        and view.get("currency") == "PLN"
        and Decimal(str(view.get("openAmount") or 0)) > 0
        and not view.get("invoiceTransactions")
    ][:count]
    day = (TODAY - dt.timedelta(days=1)).isoformat() + "T00:00:00+00:00"
    for index, view in enumerate(targets):
        sandbox.store.insert(
            "transactions",
            {
                "id": f"txn_cost_{index}",
                "bankAccount": view["bankAccount"],
                "counterparty": None,
                "description": f"Zaplata za fakture {view['name']}",
                "amount": str(view["openAmount"]),
                "orderDate": day,
                "execDate": day,
                "operationNumber": f"COST{index:06d}",
                "ignored": 0,
            },
        )
    return len(targets)


@pytest.mark.parametrize("mode", MODES)
async def test_a_confirmed_batch_stays_within_preview_plus_writes_when_the_filter_is_ignored(
    mode: str, api_variant: ApiVariant, tmp_path: Any
) -> None:
    sandbox = Sandbox(api_variant.sandbox_config(today=TODAY, ignored_filters=IGNORES_TRANSACTION))
    applications = len(sandbox.store.all("invoice-transactions"))
    assert applications > 100, "enough applications of other payments that reading them per payment would show"
    assert plant_payments(sandbox, 80) == 80
    async with Client(server_for(sandbox, tmp_path, **api_variant.env()), mode=mode) as client:
        start = len(sandbox.request_log)
        first = body(await client.call_tool("reconcile_unmatched", PERIOD))
        preview = sandbox.request_log[start:]
        start = len(sandbox.request_log)
        token = first["confirmation_token"]
        done = body(await client.call_tool("reconcile_unmatched", {**PERIOD, "confirmation_token": token}))["result"]
        confirm = sandbox.request_log[start:]
    planned = first["preview"]["details"]["apply"]
    assert len(planned) > 50, "the payments span two chunks (of 50) of the applications' filter"
    # Correct although the server answered with every application: none of the others' counts as the plan's own.
    assert done["skipped"] == [] and len(done["applied"]) == len(planned)

    writes = [e for e in confirm if e[0] != "GET"]
    assert len(confirm) <= len(preview) + len(writes) + CONSTANT, (len(confirm), len(preview), len(writes))
    # The applications are one listing read to its end, once: its pages at the size asked for, whatever the batch.
    listed = [e for e in confirm if e[0] == "GET" and e[1] == "/invoice-transactions"]
    page = min(100, sandbox.config.max_page_size)
    assert len(listed) <= math.ceil(len(sandbox.store.all("invoice-transactions")) / page)
    assert all("page=" in e[2] for e in listed) and len({e[2] for e in listed}) == len(listed), "no page read twice"
