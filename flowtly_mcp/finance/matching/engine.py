"""Reconciliation: ranked match suggestions for one bank transaction, and a plan for a whole batch.

For each transaction only the invoices some signal points at are scored: those named in the title, those of the
recognised payer with the exact amount, those with the exact open amount (when few share it) and foreign-currency
invoices whose converted amount is close. A payment is applied automatically only when exactly one candidate
reaches the threshold; everything else is left for review with the evidence, or reported as unmatched with why.

The payment's currency is derived from the account it arrived in; when it cannot be, nothing is applied
automatically. A payment with no usable reference reaches the threshold only one way: its payer is certain (the
counterparty's NIP or account belongs to that client alone) and exactly one of the payer's open invoices, or
exactly one combination of two or three, adds up to the amount.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from ..money import format_amount
from ..mpp import parse_mpp
from ..records import BankTransaction, InvoiceView
from .collector import collector_paused
from .index import MatchIndex
from .payer import Payer, identify_payer
from .references import Reference, TitleReferences, find_references
from .results import Candidate, Outcome, Plan
from .scoring import FX_TOLERANCE, UNIQUE_FIT_POINTS, confidence, score_group, score_single
from .subsets import DEFAULT_MAX_ITEMS, find_exact_subset
from .unique import Fit, unique_fit

DEFAULT_AUTO_THRESHOLD = 140
DEFAULT_CANDIDATE_LIMIT = 5
# More invoices than this sharing one amount, with nothing else to tell them apart, is not a suggestion.
AMOUNT_POOL_LIMIT = 10
SUBSET_POOL_SIZE = 15
SUBSET_SCAN_LIMIT = 200
# An invoice's converted amount may be this far above or below the payment (see scoring.FX_TOLERANCE).
_FX_ABOVE = 1 + FX_TOLERANCE
_FX_BELOW = 1 - FX_TOLERANCE


@dataclass(slots=True)
class _Evaluation:
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    currency: str | None = None
    # Why nothing may be applied automatically whatever the scores say (the currency is unknown).
    hold: str | None = None


def suggest_matches(
    transaction: BankTransaction, index: MatchIndex, *, limit: int = DEFAULT_CANDIDATE_LIMIT
) -> list[Candidate]:
    """Candidate ways to settle one transaction, best first (at most ``limit``)."""
    return _evaluate(transaction, index).candidates[:limit]


def decide(
    transaction: BankTransaction,
    index: MatchIndex,
    *,
    auto_threshold: int = DEFAULT_AUTO_THRESHOLD,
    limit: int = DEFAULT_CANDIDATE_LIMIT,
) -> Outcome:
    """The outcome for one transaction: auto-apply, review (with candidates) or no match (with why)."""
    evaluation = _evaluate(transaction, index)
    candidates = evaluation.candidates
    currency = evaluation.currency
    if not candidates:
        reasons = ([evaluation.hold] if evaluation.hold else []) + (evaluation.notes or ["no open invoice matches"])
        return Outcome(transaction.id, "no_match", (), tuple(reasons), currency)
    if evaluation.hold:
        held = (evaluation.hold, *evaluation.notes)
        return Outcome(transaction.id, "review", tuple(candidates[:limit]), held, currency)
    confident = [candidate for candidate in candidates if candidate.score >= auto_threshold]
    if len(confident) == 1:
        reason = f"the only candidate scoring at least {auto_threshold} (score {confident[0].score})"
        return Outcome(transaction.id, "auto", tuple(candidates[:limit]), (reason,), currency)
    if confident:
        reason = f"{len(confident)} candidates score at least {auto_threshold}: ambiguous, pick one"
    else:
        reason = f"best score {candidates[0].score} is below the auto threshold {auto_threshold}"
    return Outcome(transaction.id, "review", tuple(candidates[:limit]), (reason, *evaluation.notes), currency)


def reconcile_all(
    transactions: Iterable[BankTransaction],
    index: MatchIndex,
    auto_threshold: int = DEFAULT_AUTO_THRESHOLD,
) -> Plan:
    """Decide every transaction, then make sure automatic allocations never exceed an invoice's open amount.

    Transactions are settled in date order; one that would pay an invoice already paid earlier in the same plan
    (a duplicate payment, say) goes to review instead.
    """
    batch = list(transactions)
    with collector_paused():
        return _settle(
            batch,
            [decide(transaction, index, auto_threshold=auto_threshold) for transaction in batch],
            index,
            auto_threshold,
        )


def _settle(batch: list[BankTransaction], outcomes: list[Outcome], index: MatchIndex, auto_threshold: int) -> Plan:
    """Settle in date order: an allocation beyond what earlier ones left open sends its transaction to review."""
    remaining: dict[str, Decimal] = {}
    settled_by: dict[str, str] = {}
    for position in sorted(range(len(batch)), key=lambda i: (batch[i].date, batch[i].id)):
        outcome = outcomes[position]
        chosen = outcome.chosen
        if chosen is None:
            continue
        clash = next(
            (
                allocation
                for allocation in chosen.allocations
                if allocation.amount > remaining.get(allocation.invoice_id, index.invoices[allocation.invoice_id].open)
            ),
            None,
        )
        if clash is not None:
            reason = (
                f"invoice {clash.invoice_number or clash.invoice_id} is already settled by transaction "
                f"{settled_by[clash.invoice_id]} earlier in this plan"
            )
            outcomes[position] = replace(outcome, status="review", reasons=(reason, *outcome.reasons))
            continue
        for allocation in chosen.allocations:
            left = remaining.get(allocation.invoice_id, index.invoices[allocation.invoice_id].open)
            remaining[allocation.invoice_id] = left - allocation.amount
            settled_by[allocation.invoice_id] = outcome.transaction_id
    return Plan(tuple(outcomes), auto_threshold)


def _evaluate(transaction: BankTransaction, index: MatchIndex) -> _Evaluation:
    evaluation = _Evaluation()
    if transaction.ignored:
        evaluation.notes.append("the transaction is marked as ignored")
        return evaluation
    if transaction.amount <= 0:
        evaluation.notes.append("outgoing or zero amount: only money received is matched to sales invoices")
        return evaluation
    currency = evaluation.currency = index.payment_currency(transaction)
    if currency is None:
        evaluation.hold = index.unknown_currency_reason(transaction)
    mpp = parse_mpp(transaction.title)
    scan = find_references(transaction.title, mpp, index)
    references = scan.found
    evaluation.notes.extend(scan.notes)
    payer = identify_payer(transaction, mpp, index)
    if not payer.known:
        evaluation.notes.append("payer not recognised: no NIP, bank account or counterparty tied to a client")
    elif payer.doubt:
        evaluation.notes.append(payer.doubt)
    for invoice_id in sorted(_pool(transaction, currency, index, references, payer, evaluation)):
        invoice = index.invoices[invoice_id]
        candidate = score_single(transaction, currency, invoice, references.get(invoice_id), payer, index)
        if candidate is None:
            evaluation.notes.append(
                f"invoice {invoice.number or invoice.id} is in {invoice.currency} and the payment in "
                f"{currency}, with no conversion rate between them"
            )
        else:
            evaluation.candidates.append(candidate)
    fit = _unique_fit(transaction, currency, index, scan, payer, evaluation)
    # With the payer's one fit proven, searching its invoices for combinations again would find the same one.
    proven = payer.certain.client_id if fit is not None and payer.certain else None
    groups = _groups(transaction, currency, index, references, payer, evaluation, skip_client=proven)
    named_exactly = {i for group in groups if set(group.invoice_ids) <= set(references) for i in group.invoice_ids}
    if named_exactly:
        # The title names these invoices and their sum is the payment: reading it as an over-payment of one of
        # them contradicts the title's other references, so such a reading is not offered.
        evaluation.candidates = [
            c for c in evaluation.candidates if not (len(c.allocations) == 1 and c.invoice_ids[0] in named_exactly)
        ]
    evaluation.candidates.extend(groups)
    if fit is not None and currency is not None:
        _credit_unique_fit(transaction, currency, index, fit, payer, evaluation)
    # A candidate whose evidence cancels out (an amount that matches another client's invoice) is noise.
    evaluation.candidates = sorted(
        (candidate for candidate in evaluation.candidates if candidate.score > 0),
        key=lambda candidate: _rank(candidate, index),
    )
    return evaluation


def _unique_fit(
    transaction: BankTransaction,
    currency: str | None,
    index: MatchIndex,
    scan: TitleReferences,
    payer: Payer,
    evaluation: _Evaluation,
) -> Fit | None:
    """The one way a payment with no usable reference fits its certain payer's open invoices, if there is one.

    Tried only with a known currency, a certain payer and a title that names no invoice (neither an open one,
    nor a settled one, nor a number shaped like ours that does not exist).
    """
    certain = payer.certain
    if currency is None or certain is None or scan.found or scan.blocks_guessing:
        return None
    fit = unique_fit(index.fit_pool(certain.client_id, currency), transaction.amount)
    if fit.invoices is None:
        label = index.client_label(certain.client_id)
        if fit.fits != 0:  # "no fit at all" is already said by the search for combinations
            evaluation.notes.append(f"{format_amount(transaction.amount, currency)} from {label}: {fit.explanation}")
        return None
    return fit


def _credit_unique_fit(
    transaction: BankTransaction, currency: str, index: MatchIndex, fit: Fit, payer: Payer, evaluation: _Evaluation
) -> None:
    """Give the proven fit its points and its reasons: which identifier tied the payer, why the fit is unique."""
    certain = payer.certain
    assert certain is not None and fit.invoices is not None
    invoices = list(fit.invoices)
    wanted = tuple(invoice.id for invoice in invoices)
    existing = next((c for c in evaluation.candidates if c.invoice_ids == wanted), None)
    if existing is None:
        if len(invoices) == 1:
            existing = score_single(transaction, currency, invoices[0], None, payer, index)
        else:
            existing = score_group(transaction, currency, invoices, {}, payer, index)
        if existing is None:
            return
        evaluation.candidates.append(existing)
    score = existing.score + UNIQUE_FIT_POINTS
    label = index.client_label(certain.client_id)
    paid = format_amount(transaction.amount, currency)
    unique = f"{paid} among {label}'s open {currency} invoices: {fit.explanation}"
    boosted = replace(
        existing,
        score=score,
        confidence=confidence(score),
        reasons=(certain.reason, "no usable reference in the title", unique, *existing.reasons),
    )
    evaluation.candidates[evaluation.candidates.index(existing)] = boosted


def _pool(
    transaction: BankTransaction,
    currency: str | None,
    index: MatchIndex,
    references: dict[str, Reference],
    payer: Payer,
    evaluation: _Evaluation,
) -> set[str]:
    """Invoices worth scoring for this transaction, found by lookups only.

    With the currency unknown, same-amount invoices of every currency are looked up, for review only.
    """
    amount = transaction.amount
    pool = set(references)
    currencies = [currency] if currency else index.currencies
    for client_id in payer.clients:
        for each in currencies:
            pool.update(index.by_client_amount.get((client_id, each, amount), ()))
    if currency:
        same_amount = index.by_amount.get((currency, amount), [])
    else:
        same_amount = [i for each in currencies for i in index.by_amount.get((each, amount), [])]
    if len(same_amount) <= AMOUNT_POOL_LIMIT:
        pool.update(same_amount)
    elif not references and not payer.known:
        evaluation.notes.append(
            f"{len(same_amount)} open invoices share the amount {_amount_text(amount, currency)}: "
            "too many to tell apart without a reference or a recognised payer"
        )
    if currency == index.home_currency:
        converted = index.fx_range(amount / _FX_ABOVE, amount / _FX_BELOW)
        if len(converted) <= AMOUNT_POOL_LIMIT:
            pool.update(converted)
        else:
            pool.update(i for i in converted if index.invoices[i].client_id in payer.clients)
    if not pool and not references:
        evaluation.notes.append(f"no single open invoice for {_amount_text(amount, currency)}")
    return pool


def _groups(
    transaction: BankTransaction,
    currency: str | None,
    index: MatchIndex,
    references: dict[str, Reference],
    payer: Payer,
    evaluation: _Evaluation,
    *,
    skip_client: str | None = None,
) -> list[Candidate]:
    """Candidates that settle several invoices at once: those the title names, or a few of the payer's oldest."""
    groups: list[Candidate] = []
    amount = transaction.amount
    named = [index.invoices[i] for i in sorted(references)]
    # Unknown currency: named invoices may still be proposed together if they share one currency.
    currencies = {invoice.currency for invoice in named} | ({currency} if currency else set())
    if len(named) >= 2 and len(currencies) == 1 and sum((invoice.open for invoice in named), Decimal(0)) == amount:
        groups.append(score_group(transaction, currency, sorted(named, key=_age), references, payer, index))
    if groups or currency is None:
        return groups
    if any(_settles_payer_exactly(candidate, index, payer) for candidate in evaluation.candidates):
        return groups
    for client_id in sorted(payer.clients):
        if client_id == skip_client:
            continue
        pool: list[InvoiceView] = []
        for invoice_id in index.by_client_currency.get((client_id, currency), [])[:SUBSET_SCAN_LIMIT]:
            invoice = index.invoices[invoice_id]
            if invoice.open <= amount:
                pool.append(invoice)
                if len(pool) == SUBSET_POOL_SIZE:
                    break
        found = find_exact_subset([invoice.open for invoice in pool], amount)
        if found is not None:
            groups.append(score_group(transaction, currency, [pool[i] for i in found], references, payer, index))
        elif pool:
            evaluation.notes.append(
                f"{index.client_label(client_id)} has open invoices in {currency}, but neither one of them nor "
                f"a combination of up to {DEFAULT_MAX_ITEMS} of the {len(pool)} oldest equals "
                f"{format_amount(amount, currency)}"
            )
        else:
            evaluation.notes.append(
                f"{index.client_label(client_id)} has no open invoice in {currency} "
                f"up to {format_amount(amount, currency)}"
            )
    return groups


def _amount_text(amount: Decimal, currency: str | None) -> str:
    return format_amount(amount, currency) if currency else f"{amount} (currency unknown)"


def _settles_payer_exactly(candidate: Candidate, index: MatchIndex, payer: Payer) -> bool:
    """True for a single invoice of the recognised payer that the payment settles to the grosz."""
    allocation = candidate.allocations[0]
    return (
        len(candidate.allocations) == 1
        and candidate.excess == 0
        and allocation.remainder == 0
        and index.invoices[allocation.invoice_id].client_id in payer.clients
    )


def _age(invoice: InvoiceView) -> tuple[date, str]:
    return invoice.effective_due_date or date.max, invoice.id.zfill(20)


def _rank(candidate: Candidate, index: MatchIndex) -> tuple[int, int, date, tuple[str, ...]]:
    allocations = candidate.allocations
    first = index.invoices[allocations[0].invoice_id]
    return (
        -candidate.score,
        len(allocations),
        first.effective_due_date or date.max,
        tuple([allocation.invoice_id.zfill(20) for allocation in allocations]),
    )
