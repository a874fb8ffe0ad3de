"""Recognising who paid: the split-payment NIP, the sender's bank account, the counterparty link or its NIP."""

from __future__ import annotations

from dataclasses import dataclass

from ..mpp import MppTitle
from ..records import BankTransaction
from .index import MatchIndex
from .keys import party_tax_key


@dataclass(frozen=True, slots=True)
class Payer:
    """The clients a transaction's sender points at (with the reason for each) and the tax ids it presented."""

    clients: dict[str, str]
    tax_keys: frozenset[str]

    @property
    def known(self) -> bool:
        return bool(self.clients or self.tax_keys)


def identify_payer(transaction: BankTransaction, mpp: MppTitle | None, index: MatchIndex) -> Payer:
    """Collect every client the transaction's sender can be tied to, each with a human-readable reason."""
    clients: dict[str, str] = {}
    tax_keys: set[str] = set()

    def add(client_ids: set[str] | None, reason: str) -> None:
        for client_id in sorted(client_ids or ()):
            clients.setdefault(client_id, f"{reason} {index.client_label(client_id)}")

    for origin, tin in (
        ("split-payment /IDC/", mpp.nip if mpp else None),
        ("counterparty", transaction.counterparty_tin),
    ):
        key = party_tax_key(tin)
        if key:
            tax_keys.add(key)
            add(index.clients_by_tax_key.get(key), f"{origin} NIP {tin} belongs to")
    if transaction.counterparty_id:
        linked = index.client_by_counterparty.get(transaction.counterparty_id)
        add({linked} if linked else None, f"counterparty {transaction.counterparty_id} is linked to")
    if transaction.counterparty_account:
        account = transaction.counterparty_account
        add(index.clients_by_iban.get(account), f"sender account {account} belongs to")
    return Payer(clients=clients, tax_keys=frozenset(tax_keys))
