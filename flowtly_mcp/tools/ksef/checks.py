"""KSeF preflight as the sending tools apply it: which failed checks refuse a send, which only warn.

A draft, an invoice KSeF already has (or is processing), or one issued in the future is refused before anything
is sent: sending it would be wrong whatever the user says. Other failed checks (a buyer without an address, totals
that do not add up) are shown as warnings, since KSeF itself is the judge of those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flowtly_mcp.finance.ksef import Check, can_correct, preflight
from flowtly_mcp.tools.invoices.facts import InvoiceFacts

REFUSING_CHECKS = frozenset({"not_draft", "not_already_sent", "issue_date"})
# The seller's NIP is not among the documented endpoints' data; KSeF checks it on arrival.
_UNKNOWABLE = frozenset({"seller_nip"})


@dataclass(frozen=True)
class Verdict:
    facts: InvoiceFacts
    checks: tuple[Check, ...]

    @property
    def refusals(self) -> list[str]:
        return [
            f"{self.facts.number}: {c.message} ({c.fix})" for c in self.checks if not c.ok and c.name in REFUSING_CHECKS
        ]

    @property
    def warnings(self) -> list[str]:
        return [
            f"{self.facts.number}: {c.message}" + (f" — {c.fix}" if c.fix else "")
            for c in self.checks
            if not c.ok and c.name not in REFUSING_CHECKS
        ]

    def line(self) -> dict[str, object]:
        """The invoice as a preview lists it, with its preflight state."""
        failed = [c.name for c in self.checks if not c.ok]
        return {**self.facts.summary(), "preflight": "ok" if not failed else "failed: " + ", ".join(failed)}


def ksef_verdict(facts: InvoiceFacts, today: dt.date) -> Verdict:
    checks = [c for c in preflight(facts.record, "", today) if c.name not in _UNKNOWABLE]
    return Verdict(facts, tuple(checks))


def correction_refusal(facts: InvoiceFacts) -> str | None:
    """Why no correction can be sent for this original, or None when it can."""
    verdict = can_correct(facts.record)
    return None if verdict.ok else f"{verdict.message}; {verdict.fix}"
