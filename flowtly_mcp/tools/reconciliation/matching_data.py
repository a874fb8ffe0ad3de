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
from flowtly_mcp.finance.matching import Allocation, Candidate, MatchIndex
from flowtly_mcp.finance.records import AppliedPayment, BankTransaction, ClientView, CounterpartyView, InvoiceView
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.kernel.endpoints import op
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.loading import Listing, Progress, Record, fetch_many, read_views
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.reconciliation import models as m

LIST_INVOICES = op("GET", "/invoices")
LIST_CLIENTS = op("GET", "/clients")
LIST_COUNTERPARTIES = op("GET", "/counterparties")
READ_OPERATIONS = (LIST_INVOICES, LIST_CLIENTS, LIST_COUNTERPARTIES)
BASE_LISTINGS: Mapping[str, Listing] = {
    "invoices": Listing("/invoices"),
    "clients": Listing("/clients"),
    "counterparties": Listing("/counterparties"),
}


@dataclass
class MatchingData:
    index: MatchIndex
    invoices: dict[str, InvoiceView]
    applied: dict[str, list[AppliedPayment]]
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, list[Record]] = field(default_factory=dict)
    accounts: dict[str, str | None] = field(default_factory=dict)


def account_currencies(invoices: list[Record]) -> dict[str, str | None]:
    """The currency of each of the organisation's bank accounts, as its invoices name them (None: several)."""
    found: dict[str, set[str]] = defaultdict(set)
    for record in invoices:
        account = _account(record.get("bankAccount"))
        currency = iri_id(record.get("currency"))
        if account and currency:
            found[account].add(currency.upper())
    return {account: next(iter(codes)) if len(codes) == 1 else None for account, codes in found.items()}


def _account(value: object) -> str | None:
    text = "".join(str(value).split()).upper() if isinstance(value, str) else ""
    return text or None


def transaction_view(record: Record, accounts: Mapping[str, str | None]) -> BankTransaction:
    """A bank line with its currency: as served when the server gives one (Flowtly's docs publish none), else the
    currency of the account it arrived in, from the organisation's invoices. Unknown is refused, never taken as PLN.
    """
    served = iri_id(record.get("currency"))
    account = _account(record.get("bankAccount"))
    currency = served.upper() if served else accounts.get(account or "")
    if currency is None:
        why = (
            f"its account {account} carries invoices in several currencies"
            if account in accounts
            else f"its account {account} is on none of the organisation's invoices"
            if account
            else "it names no bank account"
        )
        raise ToolRefused(
            f"The currency of transaction {record.get('id')} is unknown ({why}), so it is not matched automatically. "
            "Apply it with reconcile_payment and allocations chosen by the user."
        )
    try:
        return BankTransaction.from_api(record, default_currency=currency)
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
    accounts = account_currencies(records["invoices"])
    return MatchingData(index, {i.id: i for i in invoices}, dict(applied), warnings, rest, accounts)


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
    found = await inv.api.fetch_all("/invoice-transactions", {"transaction": iri})
    # Checked here as well: a server that ignored the filter must not make every payment look applied.
    return [record for record in found if iri_id(record.get("transaction")) == transaction_id]
