"""What reconciliation reads before it can match: invoices, clients, counterparties, and which payments are applied.

Everything is read in one concurrent sweep. A transaction counts as already applied when any invoice carries a
payment pointing at it, or when the transaction itself lists invoice-transactions: either is enough to keep it
away from a second application.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import LIST_APPLIED_PAYMENTS, LIST_CLIENTS, LIST_COUNTERPARTIES, LIST_INVOICES
from flowtly_mcp.finance.matching import Allocation, Candidate, MatchIndex
from flowtly_mcp.finance.records import (
    AppliedPayment,
    BankTransaction,
    ClientView,
    CounterpartyView,
    InvoiceView,
    with_payment_currency,
)
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.loading import Listing, Progress, Record, fetch_many, read_views
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.reconciliation import models as m

READ_OPERATIONS = (LIST_INVOICES.operation, LIST_CLIENTS.operation, LIST_COUNTERPARTIES.operation)
BASE_LISTINGS: Mapping[str, Listing] = {
    "invoices": Listing(LIST_INVOICES),
    "clients": Listing(LIST_CLIENTS),
    "counterparties": Listing(LIST_COUNTERPARTIES),
}


@dataclass
class MatchingData:
    index: MatchIndex
    invoices: dict[str, InvoiceView]
    applied: dict[str, list[AppliedPayment]]
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, list[Record]] = field(default_factory=dict)


def transaction_of(record: Record, account_currencies: Mapping[str, str]) -> BankTransaction:
    """A bank line with its payment currency derived as the matcher derives it (finance.records.payment_currency):
    from the account it arrived in, else as stated; unknown stays unknown and is never taken as PLN."""
    try:
        return with_payment_currency(BankTransaction.from_api(record), account_currencies)
    except ValueError as problem:
        raise ToolRefused(f"The transaction cannot be matched: {problem}.") from None


async def load_matching(
    inv: Invocation, progress: Progress, extra: Mapping[str, Listing] | None = None
) -> MatchingData:
    """Read and index everything matching needs; `extra` listings are read in the same sweep."""
    listings = {**BASE_LISTINGS, **(extra or {})}
    records = await fetch_many(inv, listings, "reading invoices for matching", progress)
    warnings: list[str] = []
    invoices = read_views(records["invoices"], InvoiceView.from_api, warnings)
    clients = read_views(records["clients"], ClientView.from_api, warnings)
    counterparties = read_views(records["counterparties"], CounterpartyView.from_api, warnings)
    settled = [i.number for i in invoices if i.number and i.open <= 0 and not i.is_draft]
    index = MatchIndex.build(invoices, clients, counterparties, closed_invoice_numbers=settled)
    applied: dict[str, list[AppliedPayment]] = defaultdict(list)
    for invoice in invoices:
        for payment in invoice.payments:
            if payment.transaction_id:
                applied[payment.transaction_id].append(payment)
    rest = {name: records[name] for name in extra or {}}
    return MatchingData(index, {i.id: i for i in invoices}, dict(applied), warnings, rest)


def lists_applications(record: Mapping[str, Any]) -> bool:
    """True when a transaction record itself says invoice-transactions point at it."""
    linked = record.get("invoiceTransactions")
    return isinstance(linked, list) and bool(linked)


def payment_out(transaction: BankTransaction) -> m.PaymentOut:
    return m.PaymentOut(
        id=transaction.id,
        date=transaction.date,
        amount=transaction.amount,
        currency=transaction.currency,
        title=transaction.title or None,
        payer=transaction.counterparty_name,
    )


def allocation_out(allocation: Allocation, record: str | None = None) -> m.AllocationOut:
    return m.AllocationOut(
        invoice=allocation.invoice_id,
        number=allocation.invoice_number,
        amount=allocation.amount,
        currency=allocation.currency,
        remainder=allocation.remainder,
        record=record,
    )


def candidate_out(candidate: Candidate) -> m.CandidateOut:
    return m.CandidateOut(
        allocations=[allocation_out(a) for a in candidate.allocations],
        confidence=candidate.confidence,
        reasons=list(candidate.reasons),
        excess=candidate.excess,
    )


async def applications_of(inv: Invocation, transaction_id: str) -> list[Record]:
    """The invoice-transactions pointing at a transaction, read fresh (never trusted from an earlier read)."""
    iri = refs.iri("transactions", transaction_id)
    found = await inv.api.fetch_all(LIST_APPLIED_PAYMENTS.path(), {"transaction": iri})
    # Checked here as well: a server that ignored the filter must not make every payment look applied.
    return [record for record in found if iri_id(record.get("transaction")) == transaction_id]
