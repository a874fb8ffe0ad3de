"""The one send-check policy: what every path that sends to KSeF checks first, and what refuses a send.

Whatever the tool (one invoice, a bulk send), the checks are the same: the invoice as Flowtly holds it, the seller's
NIP read from its FA XML, the parent of a correction, the buyer's address on the client record, and today's date in
Poland (where KSeF's dates live), not the server's. Any failed check refuses the send: KSeF keeps what it accepts,
so nothing doubtful goes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api.endpoints import EINVOICE_XML
from flowtly_mcp.finance.calendar import today_in_poland
from flowtly_mcp.finance.ksef import Check, can_correct, fa_seller_nip, preflight
from flowtly_mcp.tools.invoices.facts import InvoiceFacts
from flowtly_mcp.tools.kernel.runtime import Invocation

_UNREADABLE_NIP = Check(
    "seller_nip",
    False,
    "the seller NIP could not be read from the invoice's FA XML",
    "check the organisation's NIP in Flowtly and that the e-invoice XML can be generated",
)


async def send_checks(inv: Invocation, invoice_id: str, record: Mapping[str, Any]) -> list[Check]:
    """Every check before sending `record` (invoice `invoice_id`), read from the API where the record is not enough."""
    is_draft = str(record.get("status") or "").casefold() == "draft"
    seller_nip = None if is_draft else await _seller_nip(inv, invoice_id)
    parent = None
    if str(record.get("type") or "").upper().startswith("KOR") and isinstance(record.get("parent"), str):
        parent = await inv.api.get(str(record["parent"]))
    # The buyer's address is checked on the client record (KSeF rejects an invoice without it).
    client = await _client_of(inv, record)
    checks = preflight(record, seller_nip or "", today_in_poland(), parent_json=parent, client_json=client)
    if is_draft:
        # The FA XML (and so the seller NIP) exists only for issued invoices; the draft check already says it all.
        return [check for check in checks if check.name != "seller_nip"]
    if seller_nip is None:
        return [_UNREADABLE_NIP if check.name == "seller_nip" else check for check in checks]
    return checks


async def _client_of(inv: Invocation, record: Mapping[str, Any]) -> dict[str, Any] | None:
    client = record.get("client")
    if isinstance(client, Mapping):
        return dict(client)
    if not isinstance(client, str) or not client.strip():
        return None
    try:
        return await inv.api.get(client)
    except api_errors.NotFound:
        return None


async def _seller_nip(inv: Invocation, invoice_id: str) -> str | None:
    try:
        download = await inv.api.download("GET", EINVOICE_XML.path(id=invoice_id), accept="application/xml")
    except (api_errors.NotFound, api_errors.Conflict, api_errors.UnprocessableEntity, api_errors.BadRequest):
        return None
    return fa_seller_nip(download.content)


@dataclass(frozen=True)
class Verdict:
    facts: InvoiceFacts
    checks: tuple[Check, ...]

    @property
    def refusals(self) -> list[str]:
        return [f"{self.facts.number}: {c.message}" + (f" ({c.fix})" if c.fix else "") for c in self.checks if not c.ok]

    def line(self) -> dict[str, object]:
        """The invoice as a preview lists it, with its preflight state."""
        failed = [c.name for c in self.checks if not c.ok]
        return {**self.facts.summary(), "preflight": "ok" if not failed else "failed: " + ", ".join(failed)}


async def ksef_verdict(inv: Invocation, facts: InvoiceFacts) -> Verdict:
    return Verdict(facts, tuple(await send_checks(inv, facts.id, facts.record)))


def correction_refusal(facts: InvoiceFacts) -> str | None:
    """Why no correction can be sent for this original, or None when it can."""
    verdict = can_correct(facts.record)
    return None if verdict.ok else f"{verdict.message}; {verdict.fix}"
