"""Lookup structures over open invoices, so each bank transaction is compared only with invoices it could pay.

Every signal has its own hash lookup (invoice number, loose number, one-typo neighbourhood, exact open amount,
buyer NIP, client bank account, counterparty link) or a sorted array (cross-currency amounts), which keeps
reconciling n transactions against m invoices close to O(n + m) instead of O(n × m).

The index also holds the documented facts a payment's own record lacks: which currency each of the organisation's
accounts holds (from the ``bankAccount`` and ``currency`` its invoices carry, or as configured), and the tax
numbers and accounts of every counterparty, so a transaction that names its counterparty only by IRI is read
the same as one that embeds it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ..identifiers import (
    invoice_number_runs,
    loose_key_of_runs,
    normalize_iban,
)
from ..money import exact_mul
from ..records import (
    DEFAULT_CURRENCY,
    BankTransaction,
    ClientView,
    CounterpartyView,
    InvoiceView,
    account_key,
    invoice_account_currencies,
    payment_currency,
)
from .collector import collector_paused
from .keys import party_tax_key
from .unique import FitPool

if TYPE_CHECKING:
    from .payer import Payer

# Shorter numbers ("12") would match stray digits in any title; typo tolerance needs even longer ones.
MIN_TEXT_KEY_LENGTH = 4
MIN_TYPO_KEY_LENGTH = 6

# The shape of an invoice number: letter runs as written (casefolded), digit runs by their length.
NumberShape = tuple[str | int, ...]


def number_shape(runs: list[str]) -> NumberShape:
    """``FV/2026/11/0034`` → ("fv", 4, 2, 4): what a number of the same series looks like."""
    return tuple([len(run) if run.isdigit() else run for run in runs])


def deletions(key: str) -> list[str]:
    """Every string one character shorter than ``key`` (the deletion neighbourhood of edit distance 1)."""
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


def _age_key(invoice: InvoiceView) -> tuple[date, date, str]:
    due = invoice.effective_due_date or date.max
    return due, invoice.issue_date or date.max, invoice.id.zfill(20)


class MatchIndex:
    """Open invoices indexed by every signal reconciliation uses. Build it once per batch with ``build``."""

    def __init__(self, home_currency: str) -> None:
        self.home_currency = home_currency
        self.invoices: dict[str, InvoiceView] = {}
        self.by_number: dict[str, list[str]] = defaultdict(list)
        self.by_loose: dict[str, list[str]] = defaultdict(list)
        self.closed_numbers: set[str] = set()
        # deletion (or the key itself) -> the normalised number it is one deletion away from, or the set of them when
        # several are (rare: a set for every entry would be tens of thousands of objects for the collector to walk)
        self.neighbourhood: dict[str, str | set[str]] = {}
        self.key_length_range = (0, 0)
        self.loose_length_max = 0
        self.by_amount: dict[tuple[str, Decimal], list[str]] = defaultdict(list)
        self.by_client: dict[str, list[str]] = defaultdict(list)
        self.by_client_amount: dict[tuple[str, str, Decimal], list[str]] = defaultdict(list)
        self.by_client_currency: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._fit_pools: dict[tuple[str, str], FitPool] = {}
        # the payer each sender's identifiers point at (see payer.identify_payer), worked out once per batch
        self.payers: dict[tuple[str | None, str | None, tuple[str, ...], str | None], Payer] = {}
        self.currencies: list[str] = []
        self.fx_equivalents: list[Decimal] = []
        self.fx_ids: list[str] = []
        self.clients_by_tax_key: dict[str, set[str]] = defaultdict(set)
        self.clients_by_iban: dict[str, set[str]] = defaultdict(set)
        self.client_by_counterparty: dict[str, str] = {}
        self.client_names: dict[str, str] = {}
        self.tax_key_by_invoice: dict[str, str] = {}
        # counterparty id -> (tax numbers, bank accounts) as its record lists them
        self.counterparty_identifiers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.number_shapes: set[NumberShape] = set()
        # the organisation's account (compact IBAN) -> its currency; accounts its invoices disagree on are left out
        self.account_currencies: dict[str, str] = {}
        self.ambiguous_accounts: set[str] = set()

    @classmethod
    def build(
        cls,
        open_invoices: Iterable[InvoiceView],
        clients: Iterable[ClientView] = (),
        counterparties: Iterable[CounterpartyView] = (),
        *,
        home_currency: str = DEFAULT_CURRENCY,
        closed_invoice_numbers: Iterable[str] = (),
        accounts: Mapping[str, str] | None = None,
    ) -> MatchIndex:
        """Index invoices that still have money open (drafts and settled ones are skipped).

        ``closed_invoice_numbers`` (numbers of settled invoices, optional) stops a title that names a settled
        invoice from being read as a typo of a neighbouring open one, which sequential numbering makes likely.
        ``accounts`` (the organisation's account → currency, optional) is what payments' currencies are derived
        from; every invoice given (open or not) adds the account it is payable to in its own currency.
        """
        # Indexing allocates a few objects per invoice and no cycles: see collector.py.
        with collector_paused():
            index = cls(home_currency.upper())
            for client in clients:
                index._add_client(client)
            for counterparty in counterparties:
                index._add_counterparty(counterparty)
            every = list(open_invoices)
            for invoice in every:
                if invoice.open > 0 and not invoice.is_draft:
                    index._add_invoice(invoice)
            index._finish_accounts(every, accounts or {})
            for client_id, ids in index.by_client.items():
                index.by_client[client_id] = sorted(ids, key=lambda i: _age_key(index.invoices[i]))
                for invoice_id in index.by_client[client_id]:
                    index.by_client_currency[(client_id, index.invoices[invoice_id].currency)].append(invoice_id)
            index.currencies = sorted({invoice.currency for invoice in index.invoices.values()})
            for number in closed_invoice_numbers:
                runs = invoice_number_runs(number)
                key = "".join(runs)
                if key not in index.by_number:
                    index.closed_numbers.add(key)
                if len(key) >= MIN_TEXT_KEY_LENGTH and any(ch.isdigit() for ch in key):
                    index.number_shapes.add(number_shape(runs))
            index._finish_fx()
            return index

    def _add_client(self, client: ClientView) -> None:
        if client.name:
            self.client_names[client.id] = client.name
        for value in (client.tin, client.vat_number):
            key = party_tax_key(value, client.tin_country or client.country)
            if key:
                self.clients_by_tax_key[key].add(client.id)

    def _add_counterparty(self, counterparty: CounterpartyView) -> None:
        self.counterparty_identifiers[counterparty.id] = (
            counterparty.tins,
            tuple(key for key in map(account_key, counterparty.bank_accounts) if key),
        )
        if not counterparty.client_id:
            return
        self.client_by_counterparty[counterparty.id] = counterparty.client_id
        for account in counterparty.bank_accounts:
            iban = normalize_iban(account)
            if iban:
                self.clients_by_iban[iban].add(counterparty.client_id)
        for tin in counterparty.tins:
            key = party_tax_key(tin)
            if key:
                self.clients_by_tax_key[key].add(counterparty.client_id)

    def _add_invoice(self, invoice: InvoiceView) -> None:
        self.invoices[invoice.id] = invoice
        if invoice.number:
            self._add_number(invoice)
        self.by_amount[(invoice.currency, invoice.open)].append(invoice.id)
        buyer_key = party_tax_key(invoice.buyer_tin, invoice.buyer_tin_country)
        if buyer_key:
            self.tax_key_by_invoice[invoice.id] = buyer_key
            if invoice.client_id:
                self.clients_by_tax_key[buyer_key].add(invoice.client_id)
        if invoice.client_id:
            self.by_client[invoice.client_id].append(invoice.id)
            self.by_client_amount[(invoice.client_id, invoice.currency, invoice.open)].append(invoice.id)

    def _add_number(self, invoice: InvoiceView) -> None:
        assert invoice.number is not None
        runs = invoice_number_runs(invoice.number)
        key = "".join(runs)
        if len(key) < MIN_TEXT_KEY_LENGTH or not any(map(str.isdigit, key)):
            return
        self.by_number[key].append(invoice.id)
        self.number_shapes.add(number_shape(runs))
        loose = loose_key_of_runs(runs)
        self.by_loose[loose].append(invoice.id)
        low, high = self.key_length_range
        self.key_length_range = (min(low, len(key)) if low else len(key), max(high, len(key)))
        self.loose_length_max = max(self.loose_length_max, len(loose))
        if len(key) >= MIN_TYPO_KEY_LENGTH:
            # Written out rather than a method per variant: this runs a dozen times for every invoice.
            add = self.neighbourhood.setdefault
            for variant in (key, *deletions(key)):
                near = add(variant, key)
                if near is key:
                    continue  # the first number with this variant (nearly always)
                if isinstance(near, set):
                    near.add(key)
                elif near != key:
                    self.neighbourhood[variant] = {near, key}

    def _finish_fx(self) -> None:
        pairs = sorted(
            (exact_mul(invoice.open, invoice.conversion_rate), invoice.id)
            for invoice in self.invoices.values()
            if invoice.currency != self.home_currency and invoice.conversion_rate and invoice.conversion_rate > 0
        )
        self.fx_equivalents = [equivalent for equivalent, _ in pairs]
        self.fx_ids = [invoice_id for _, invoice_id in pairs]

    def _finish_accounts(self, invoices: list[InvoiceView], configured: Mapping[str, str]) -> None:
        self.account_currencies, self.ambiguous_accounts = invoice_account_currencies(invoices)
        for account, currency in configured.items():
            key = normalize_iban(account)
            if key is None:
                raise ValueError(f"accounts: {account!r} is not a valid IBAN; give the organisation's account numbers")
            if not (len(currency) == 3 and currency.isalpha()):
                raise ValueError(f"accounts: the currency of {key} must be an ISO code such as PLN, not {currency!r}")
            self.account_currencies[key] = currency.upper()
            self.ambiguous_accounts.discard(key)

    def fit_pool(self, client_id: str, currency: str) -> FitPool:
        """The client's open invoices in a currency, ready for the unique-fit search (built on first use)."""
        key = (client_id, currency)
        pool = self._fit_pools.get(key)
        if pool is None:
            pool = FitPool.of([self.invoices[i] for i in self.by_client_currency.get(key, ())])
            self._fit_pools[key] = pool
        return pool

    def payment_currency(self, transaction: BankTransaction) -> str | None:
        """The currency of the account the payment arrived in, else as read; None when neither is known."""
        return payment_currency(transaction, self.account_currencies)

    def unknown_currency_reason(self, transaction: BankTransaction) -> str:
        """Why ``payment_currency`` is None, in words a person can act on."""
        account = transaction.bank_account
        if account is None:
            return "the payment's currency is unknown: the transaction names no bank account it arrived in"
        if account in self.ambiguous_accounts:
            return (
                f"the payment's currency is unknown: invoices payable to account {account} are in several "
                "currencies; configure the account's currency"
            )
        return (
            f"the payment's currency is unknown: account {account} is not one the organisation's invoices are "
            "payable to; configure the account's currency"
        )

    def fx_range(self, low: Decimal, high: Decimal) -> list[str]:
        """Ids of foreign-currency invoices whose home-currency equivalent lies in [low, high]."""
        start = bisect.bisect_left(self.fx_equivalents, low)
        end = bisect.bisect_right(self.fx_equivalents, high)
        return self.fx_ids[start:end]

    def typo_neighbours(self, key: str) -> set[str]:
        """Indexed numbers that ``key`` might be a one-edit typo of (to be confirmed by an edit distance)."""
        found: set[str] = set()
        for variant in (key, *deletions(key)):
            near = self.neighbourhood.get(variant)
            if isinstance(near, str):
                found.add(near)
            elif near:
                found |= near
        return found

    def client_label(self, client_id: str) -> str:
        name = self.client_names.get(client_id)
        return f'client {client_id} "{name}"' if name else f"client {client_id}"
