"""What a call may have changed: writes Flowtly may have applied are counted, refused and unsent ones are not.

Against the sandbox: its real 422 for a due date before the issue date, real successful writes; only what a server
cannot be asked to do (a refused connection, an answer lost after the server took the request, a gateway error) is
injected at the transport.
"""

from __future__ import annotations

import anyio
import httpx2
import pytest

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.errors import ApiError
from flowtly_mcp.api.write_ledger import watching_writes

from .transports import Fault, FaultyTransport, on

pytestmark = pytest.mark.anyio

INVOICE = "/invoices/1"


async def test_reads_and_refused_writes_change_nothing(api: FlowtlyClient) -> None:
    with watching_writes() as writes:
        invoice = await api.get(INVOICE)
        with pytest.raises(ApiError):
            # The sandbox refuses it (422): Flowtly applied nothing.
            await api.patch(INVOICE, {"dueDate": "1999-01-01", "issueDate": invoice["issueDate"]})
    assert writes.changed_nothing


async def test_a_write_that_was_answered_may_have_changed_something(api: FlowtlyClient) -> None:
    with watching_writes() as writes:
        await api.patch(INVOICE, {"notes": "checked"})
    assert writes.possibly_applied == 1


@pytest.mark.parametrize(
    ("fault", "changed"),
    [
        (Fault(on("PATCH"), raises=httpx2.ConnectError, times=10), False),
        (Fault(on("PATCH"), raises=httpx2.ReadTimeout, reach_server=True), True),
        (Fault(on("PATCH"), status=502, body=b"Bad Gateway", reach_server=True), True),
    ],
    ids=["never-connected", "answer-lost", "gateway-error"],
)
async def test_a_failed_write_counts_unless_it_never_left(
    api: FlowtlyClient, wire: FaultyTransport, fault: Fault, changed: bool
) -> None:
    wire.add(fault)
    with watching_writes() as writes, pytest.raises(ApiError):
        await api.patch(INVOICE, {"notes": "checked"})
    assert writes.changed_nothing is not changed


async def test_each_call_keeps_its_own_ledger(api: FlowtlyClient) -> None:
    """Concurrent calls on the shared client: a write in one is not counted in the other."""
    ledgers = {}

    async def call(name: str, write: bool) -> None:
        with watching_writes() as writes:
            await (api.patch(INVOICE, {"notes": name}) if write else api.get(INVOICE))
            await anyio.sleep(0.01)
        ledgers[name] = writes

    async with anyio.create_task_group() as group:
        group.start_soon(call, "writer", True)
        group.start_soon(call, "reader", False)
    assert ledgers["writer"].possibly_applied == 1 and ledgers["reader"].changed_nothing


async def test_writes_outside_a_ledger_are_not_counted_anywhere(api: FlowtlyClient) -> None:
    await api.patch(INVOICE, {"notes": "unwatched"})
    with watching_writes() as writes:
        pass
    assert writes.changed_nothing
