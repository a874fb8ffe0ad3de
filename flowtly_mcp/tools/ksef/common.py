"""What the KSeF workflow tools share: reading an invoice's KSeF state, preflight, polling, saving the UPO.

KSeF verifies invoices asynchronously: a sent invoice is received, processed, and only then accepted (with a KSeF
number and an official receipt, the UPO) or rejected. Flowtly shows that state on the invoice (`eInvoicing`), so
the tools poll the invoice, a bounded number of times with growing waits.

Flowtly's status words are not published, so the verdict rests on published facts: a KSeF number
(`einvoicingNumber`) is assigned only on acceptance, and a rejection carries its `rejectionReason` (or the status
`rejected`). Anything else with a submission on record is still in KSeF's hands, whatever the word says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import EINVOICE_UPO, GET_INVOICE, INBOUND_EINVOICE_XML
from flowtly_mcp.finance.fa_summary import fa_summary
from flowtly_mcp.finance.identifiers import is_valid_ksef_number
from flowtly_mcp.finance.ksef import Check, ksef_number_of, rejection_hint, specific_fix
from flowtly_mcp.finance.wire import embedded, iri_id
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.files import save_download
from flowtly_mcp.tools.kernel.loading import Progress
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.ksef import models as m
from flowtly_mcp.tools.ksef.checks import send_checks

ACCEPTED = "success"
REJECTED = "rejected"
# Waits before each status read: the first read is immediate; about half a minute in all.
POLL_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)
STILL_PROCESSING = "KSeF is still processing: do not send again; call ksef_status later to get the result."

Record = dict[str, Any]


def state_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The invoice's embedded e-invoicing state ({} when it was never sent)."""
    return dict(embedded(record.get("eInvoicing")) or {})


def status_of(state: Mapping[str, Any]) -> str:
    return str(state.get("status") or "not_sent")


def last_answer(state: Mapping[str, Any]) -> Mapping[str, Any]:
    """KSeF's latest answer kept in the published `providerPayload` (one answer, or the history as a list)."""
    payload = state.get("providerPayload")
    if isinstance(payload, list):
        answers = [entry for entry in payload if isinstance(entry, Mapping)]
        return answers[-1] if answers else {}
    return payload if isinstance(payload, Mapping) else {}


def code_of(state: Mapping[str, Any]) -> int | None:
    """KSeF's status code: `statusCode` where a server gives it (unpublished), else KSeF's latest answer."""
    for value in (state.get("statusCode"), last_answer(state).get("code")):
        if value is not None and not isinstance(value, bool):
            try:
                return int(value)
            except (TypeError, ValueError):
                continue
    return None


def accepted_number(state: Mapping[str, Any]) -> str | None:
    """The KSeF number of an accepted invoice; KSeF assigns one only on acceptance."""
    return ksef_number_of({"eInvoicing": dict(state)}) if state else None


def is_rejected(state: Mapping[str, Any]) -> bool:
    if not state or accepted_number(state):
        return False
    code = code_of(state)
    return (
        status_of(state) == REJECTED or bool(_text(state.get("rejectionReason"))) or (code is not None and code >= 300)
    )


def in_flight(state: Mapping[str, Any]) -> bool:
    """Sent, and KSeF's verdict (a KSeF number or a rejection) not in yet."""
    return bool(state) and status_of(state) != "not_sent" and not accepted_number(state) and not is_rejected(state)


def verdict(state: Mapping[str, Any]) -> str:
    """success (a KSeF number), rejected, not_sent, or Flowtly's own word while KSeF is still processing."""
    if accepted_number(state):
        return ACCEPTED
    if is_rejected(state):
        return REJECTED
    return status_of(state)


# Failures after which the request may or may not have reached the server: followed up, never sent blindly again.
AMBIGUOUS = (api_errors.ApiConnectionError, api_errors.ApiTimeout, api_errors.ServerError)


async def read_invoice(inv: Invocation, invoice_id: str) -> Record:
    return await inv.api.get(GET_INVOICE.path(id=invoice_id))


def outcome(invoice_id: str, record: Mapping[str, Any], state: Mapping[str, Any]) -> m.KsefOut:
    """The answer for an invoice's current KSeF state, with a hint whenever the person has something to do."""
    status = verdict(state)
    code = code_of(state)
    number = accepted_number(state)
    notes: list[str] = []
    hint = None
    if status == REJECTED:
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
    extensions = last_answer(state).get("extensions")
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
    """Download the official receipt and keep it in the download directory; the resource serves it too."""
    download = await inv.api.download("GET", EINVOICE_UPO.path(id=invoice_id), accept="application/xml")
    resource = upo_resource(invoice_id)
    saved = save_download(inv, download, stem=f"UPO-{ksef_number}", suffix=".xml", resource_uri=resource, inline=False)
    return m.UpoOut(path=str(saved.path), sha256=saved.sha256, size=saved.size, resource_uri=resource)


def upo_resource(invoice_id: str) -> str:
    return f"flowtly://invoices/{refs.quote_id(invoice_id)}/upo"


def rejected_error(result: m.KsefOut) -> ToolRefused:
    """A KSeF rejection as the tool's error: KSeF's reason and what to do, never a result that reads as success."""
    which = f"invoice {result.number} ({result.invoice})" if result.number else f"invoice {result.invoice}"
    code = f" with status {result.code}" if result.code is not None else ""
    reason = result.reason or "no reason given"
    notes = "".join(f" Note: {note}." for note in result.notes)
    return ToolRefused(f"KSeF rejected {which}{code}: {reason}. {result.hint or ''}{notes}".strip())


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
    if is_rejected(state):
        reason = _text(state.get("rejectionReason")) or "no reason given"
        current = f" KSeF rejected the last submission ({reason}) and the defect is still there."
    elif state:
        number = ksef_number_of(preflight.record)
        current = f" Current KSeF state: status {verdict(state)}" + (f", KSeF number {number}" if number else "")
        current += "."
    return ToolRefused(f"Not {what}: {problems}.{current} Nothing was sent.")


# What an inbound e-invoice's FA document states that its published e-invoicing record does not.
FA_FIELDS = ("invoiceNumber", "sellerName", "sellerTin", "issueDate", "amount", "currency")


async def inbound_facts(inv: Invocation, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record with number, seller, issue date, gross and currency filled from its FA document where missing.

    Flowtly publishes none of them on e-invoicing records; a document that cannot be read leaves them unknown.
    """
    filled = dict(record)
    record_id = record.get("id") or iri_id(record.get("@id"))
    if all(filled.get(name) not in (None, "") for name in FA_FIELDS) or record_id is None:
        return filled
    try:
        download = await inv.api.download("GET", INBOUND_EINVOICE_XML.path(id=record_id), accept="application/xml")
    except api_errors.ApiError:
        return filled
    summary = fa_summary(download.content)
    if summary is None:
        return filled
    found = {
        "invoiceNumber": summary.number,
        "sellerName": summary.seller_name,
        "sellerTin": summary.seller_nip,
        "issueDate": summary.issued.isoformat() if summary.issued else None,
        "amount": summary.gross,
        "currency": summary.currency,
    }
    for name, value in found.items():
        if filled.get(name) in (None, "") and value is not None:
            filled[name] = value
    return filled
