"""Recognising who paid: the split-payment NIP, the counterparty's tax number, bank accounts and client link.

Two answers come out. ``clients`` lists every client any evidence points at (it moves scores up or down);
``certain`` is set only when the counterparty's tax number or bank account ties the payment to exactly one client
and nothing points elsewhere. A name is never evidence, and a counterparty's link to a client alone is not
certainty either: a bank feed may have made that link from the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mpp import MppTitle
from ..records import BankTransaction
from .index import MatchIndex
from .keys import party_tax_key


@dataclass(frozen=True, slots=True)
class CertainPayer:
    """The one client a documented identifier ties the payment to, and which identifier did."""

    client_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Payer:
    """The clients a transaction's sender points at (with the reason for each) and the tax ids it presented.

    ``certain`` is the client the counterparty's tax number or bank account belongs to alone; ``doubt`` says why
    there is none when identifiers were present but did not single out one client.
    """

    clients: dict[str, str]
    tax_keys: frozenset[str]
    certain: CertainPayer | None = None
    doubt: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.clients or self.tax_keys)


@dataclass(frozen=True, slots=True)
class _Tie:
    label: str
    clients: frozenset[str]


def identify_payer(transaction: BankTransaction, mpp: MppTitle | None, index: MatchIndex) -> Payer:
    """Collect every client the transaction's sender can be tied to, each with a human-readable reason.

    A statement repeats the same few hundred payers across thousands of lines, and the answer depends only on the
    sender's identifiers and the index, so it is worked out once per sender and batch (the index keeps it).
    """
    sender = (
        mpp.nip if mpp else None,
        transaction.counterparty_tin,
        transaction.counterparty_accounts,
        transaction.counterparty_id,
    )
    payer = index.payers.get(sender)
    if payer is None:
        payer = index.payers[sender] = _identify(transaction, mpp, index)
    return payer


def _identify(transaction: BankTransaction, mpp: MppTitle | None, index: MatchIndex) -> Payer:
    clients: dict[str, str] = {}
    tax_keys: set[str] = set()

    def add(client_ids: set[str] | frozenset[str] | None, reason: str) -> None:
        for client_id in sorted(client_ids or ()):
            clients.setdefault(client_id, f"{reason} {index.client_label(client_id)}")

    tins, accounts = _counterparty_identifiers(transaction, index)
    ties: list[_Tie] = []
    if mpp and mpp.nip:
        key = party_tax_key(mpp.nip)
        if key:
            tax_keys.add(key)
            add(index.clients_by_tax_key.get(key), f"split-payment /IDC/ NIP {mpp.nip} belongs to")
    for tin in tins:
        key = party_tax_key(tin)
        if key:
            tax_keys.add(key)
            owners = frozenset(index.clients_by_tax_key.get(key, ()))
            add(owners, f"counterparty NIP {tin} belongs to")
            ties.append(_Tie(f"counterparty NIP {tin}", owners))
    linked = index.client_by_counterparty.get(transaction.counterparty_id) if transaction.counterparty_id else None
    if linked:
        add({linked}, f"counterparty {transaction.counterparty_id} is linked to")
    for account in accounts:
        owners = frozenset(index.clients_by_iban.get(account, ()))
        add(owners, f"sender account {account} belongs to")
        ties.append(_Tie(f"counterparty account {account}", owners))
    certain, doubt = _certainty(ties, linked, index)
    return Payer(clients=clients, tax_keys=frozenset(tax_keys), certain=certain, doubt=doubt)


def _counterparty_identifiers(transaction: BankTransaction, index: MatchIndex) -> tuple[list[str], list[str]]:
    """Tax numbers and accounts of the counterparty: embedded in the transaction, or from its own record."""
    tins = [transaction.counterparty_tin] if transaction.counterparty_tin else []
    accounts = list(transaction.counterparty_accounts)
    if transaction.counterparty_id:
        listed_tins, listed_accounts = index.counterparty_identifiers.get(transaction.counterparty_id, ((), ()))
        tins += listed_tins
        accounts += listed_accounts
    return list(dict.fromkeys(tins)), list(dict.fromkeys(accounts))


def _certainty(ties: list[_Tie], linked: str | None, index: MatchIndex) -> tuple[CertainPayer | None, str | None]:
    """One client named by every identifier that names any, and by the counterparty link if there is one."""
    owning = [tie for tie in ties if tie.clients]
    if not owning:
        return None, None
    owners = frozenset().union(*(tie.clients for tie in owning))
    if len(owners) > 1:
        spread = "; ".join(
            f"{tie.label} belongs to {', '.join(index.client_label(c) for c in sorted(tie.clients))}" for tie in owning
        )
        return None, f"payer not certain: {spread}"
    (client_id,) = owners
    if linked and linked != client_id:
        return None, (
            f"payer not certain: {owning[0].label} belongs to {index.client_label(client_id)}, but the counterparty "
            f"is linked to {index.client_label(linked)}"
        )
    labels = " and ".join(tie.label for tie in owning)
    verb = "belongs" if len(owning) == 1 else "belong"
    reason = f"payer certain: {labels} {verb} to {index.client_label(client_id)} and to no other client"
    return CertainPayer(client_id, reason), None
