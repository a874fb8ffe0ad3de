"""What the KSeF workflow tools share: reading an invoice's KSeF state, preflight, polling, saving the UPO.

KSeF verifies invoices asynchronously: a sent invoice is first accepted (100), then processed (150), and only
then issued (200, with a KSeF number and an official receipt, the UPO) or rejected. Flowtly shows that state on
the invoice (`eInvoicing`), so the tools poll the invoice, a bounded number of times with growing waits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio

from flowtly_mcp.api.endpoints import EINVOICE_UPO, GET_INVOICE
from flowtly_mcp.finance.identifiers import is_valid_ksef_number
from flowtly_mcp.finance.ksef import Check, ksef_number_of, rejection_hint, specific_fix
from flowtly_mcp.finance.wire import embedded
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.files import save_download
from flowtly_mcp.tools.kernel.loading import Progress
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.ksef import models as m
from flowtly_mcp.tools.ksef.checks import send_checks

IN_FLIGHT = frozenset({"accepted", "processing"})
IN_FLIGHT_CODES = frozenset({100, 150})
# Waits before each status read: the first read is immediate; about half a minute in all.
POLL_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)
STILL_PROCESSING = "KSeF is still processing: do not send again; call ksef_status later to get the result."

Record = dict[str, Any]


def state_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The invoice's embedded e-invoicing state ({} when it was never sent)."""
    return dict(embedded(record.get("eInvoicing")) or {})


def status_of(state: Mapping[str, Any]) -> str:
    return str(state.get("status") or "not_sent")


def code_of(state: Mapping[str, Any]) -> int | None:
    try:
        return int(state["statusCode"]) if state.get("statusCode") is not None else None
    except (TypeError, ValueError):
        return None


def in_flight(state: Mapping[str, Any]) -> bool:
    return status_of(state) in IN_FLIGHT or code_of(state) in IN_FLIGHT_CODES


async def read_invoice(inv: Invocation, invoice_id: str) -> Record:
    return await inv.api.get(GET_INVOICE.path(id=invoice_id))


def outcome(invoice_id: str, record: Mapping[str, Any], state: Mapping[str, Any]) -> m.KsefOut:
    """The answer for an invoice's current KSeF state, with a hint whenever the person has something to do."""
    status = status_of(state)
    code = code_of(state)
    number = ksef_number_of({"eInvoicing": dict(state)}) if state else None
    notes: list[str] = []
    hint = None
    if status == "rejected" or (code is not None and code >= 300):
        fix = specific_fix(_text(state.get("rejectionReason")))
        hint = f"{fix} {rejection_hint(code)}" if fix else rejection_hint(code)
        original = _original_number(state)
        if original:
            notes.append(f"KSeF already holds this invoice as {original}")
    elif in_flight(state):
        hint = STILL_PROCESSING
    if number and not is_valid_ksef_number(number):
        notes.append(f"the KSeF number {number} fails its checksum; check it in KSeF before relying on it")
    return m.KsefOut(
        invoice=invoice_id,
        number=_text(record.get("name")),
        status=status,
        code=code,
        ksef_number=number,
        reference=_text(state.get("referenceNumber")),
        reason=_text(state.get("rejectionReason")),
        hint=hint,
        notes=notes,
    )


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _original_number(state: Mapping[str, Any]) -> str | None:
    payload = state.get("providerPayload")
    extensions = payload.get("extensions") if isinstance(payload, Mapping) else None
    value = extensions.get("originalKsefNumber") if isinstance(extensions, Mapping) else None
    return str(value) if value else None


async def poll(inv: Invocation, invoice_id: str, state: Mapping[str, Any]) -> tuple[Record, dict[str, Any]]:
    """Read the invoice until KSeF's verdict is in or the waits run out; progress after each read."""
    record: Record = {}
    current = dict(state)
    steps = len(POLL_DELAYS)
    progress = Progress(inv)
    for attempt, delay in enumerate(POLL_DELAYS, start=1):
        if delay:
            await anyio.sleep(delay)
        record = await read_invoice(inv, invoice_id)
        current = state_of(record)
        await progress.report(attempt, steps, f"KSeF status: {status_of(current)}")
        if not in_flight(current):
            break
    return record, current


async def save_upo(inv: Invocation, invoice_id: str, ksef_number: str) -> m.UpoOut:
    """Download the official receipt and keep it in the download directory, like any other download."""
    download = await inv.api.download("GET", EINVOICE_UPO.path(id=invoice_id), accept="application/xml")
    saved = save_download(inv, download, stem=f"UPO-{ksef_number}", suffix=".xml", resource_uri=None, inline=False)
    return m.UpoOut(path=str(saved.path), sha256=saved.sha256, size=saved.size)


@dataclass(frozen=True)
class Preflight:
    record: Record
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


async def run_preflight(inv: Invocation, invoice_id: str) -> Preflight:
    """Every check before sending (the one send-check policy of checks.py), on the invoice read now."""
    record = await read_invoice(inv, invoice_id)
    return Preflight(record, await send_checks(inv, invoice_id, record))


def refusal(preflight: Preflight, what: str) -> ToolRefused:
    """A refusal naming every failed check, its fix, and the current KSeF state when there is one."""
    problems = "; ".join(f"{check.message} ({check.fix})" if check.fix else check.message for check in preflight.failed)
    state = state_of(preflight.record)
    current = ""
    if state:
        number = ksef_number_of(preflight.record)
        current = f" Current KSeF state: status {status_of(state)}" + (f", KSeF number {number}" if number else "")
        current += "."
    return ToolRefused(f"Not {what}: {problems}.{current} Nothing was sent.")
