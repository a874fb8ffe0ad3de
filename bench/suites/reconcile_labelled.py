"""The sandbox's labelled reconciliation set, matched by `flowtly_mcp.finance.matching` and scored per kind.

The records are read over HTTP from a sandbox built from the default seed, as a client reads them; transactions are
cut down to the fields the Flowtly docs publish (no `currency`, `counterpartyAccount`, `counterpartyName`), so a
payment's currency and payer come only from documented facts. Every unmatched incoming transfer is labelled: the
invoices it pays, or why it must not be applied (the decoys). An automatic match is right only when it names
exactly the labelled invoices and amounts. The certain payers' cases are also scored by the identifier that ties
them to their client (the NIP in each of its spellings, the IBAN with or without spaces, or both).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import anyio
import httpx2

from flowtly_mcp.finance.matching import MatchIndex, Plan, reconcile_all
from flowtly_mcp.finance.records import BankTransaction, ClientView, CounterpartyView, InvoiceView
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.sandbox.seed import PayerIdentifier, SeedConfig, ground_truth

TOKEN = "labelled-set"
PAGE = 500
# The published Transaction (flowtly-api/SCHEMAS.md), plus the JSON-LD keys.
DOCUMENTED_TRANSACTION = frozenset(
    {
        "@id",
        "@type",
        "id",
        "bankAccount",
        "employeeOwner",
        "cost",
        "counterparty",
        "counterpartyRole",
        "statementNumber",
        "operationNumber",
        "description",
        "amount",
        "endingBalance",
        "orderDate",
        "execDate",
        "relatedDate",
        "ignored",
        "note",
        "transactionAttachments",
        "budgetTransactions",
        "projectTransactions",
        "connectedMonth",
    }
)

Expected = tuple[tuple[str, Decimal], ...]


# The kinds whose payer is certain only through the counterparty's identifiers: scored per identifier too.
CERTAIN_PAYER_KINDS = ("amount_only", "multi_invoice")


@dataclass(frozen=True)
class Label:
    kind: str
    expected: Expected | None
    # How the payer's counterparty identifies it (a `PayerIdentifier` value), None where the case does not say.
    identifier: str | None = None


@dataclass(frozen=True)
class LabelledSet:
    index: MatchIndex
    transactions: list[BankTransaction]
    labels: dict[str, Label]
    # The same transactions as served (documented fields only), by id: what the engine read them from.
    served: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class KindScore:
    """How the automatic matches of one group compare with the labels: a kind, an identifier, or "all"."""

    kind: str
    transfers: int
    matchable: int
    auto: int
    right: int
    review: int
    no_match: int

    @property
    def decoy(self) -> bool:
        return self.matchable == 0

    @property
    def precision(self) -> float:
        return self.right / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.matchable if self.matchable else 1.0


def load(cfg: SeedConfig | None = None) -> LabelledSet:
    """Read the seed's records from a sandbox over HTTP and index them as reconciliation does."""
    seed = cfg or SeedConfig()
    truth = ground_truth(seed)
    labels = {
        label.transaction_id: Label(
            label.kind.value,
            None if label.allocations is None else tuple((str(a.invoice_id), a.amount) for a in label.allocations),
            label.identifier.value if label.identifier else None,
        )
        for label in truth.reconciliation
    }
    records = anyio.run(_read_all, seed)
    invoices = [InvoiceView.from_api(record) for record in records["invoices"]]
    settled = [i.number for i in invoices if i.number and i.open <= 0 and not i.is_draft]
    index = MatchIndex.build(
        invoices,
        [ClientView.from_api(record) for record in records["clients"]],
        [CounterpartyView.from_api(record) for record in records["counterparties"]],
        closed_invoice_numbers=settled,
    )
    served = {
        str(record["id"]): documented(record) for record in records["transactions"] if str(record["id"]) in labels
    }
    # No accounts given: the currency is left to the index, which knows the accounts from the invoices.
    transactions = [BankTransaction.from_api(record, account_currencies={}) for record in served.values()]
    return LabelledSet(index, transactions, labels, served)


def documented(record: Mapping[str, Any]) -> dict[str, Any]:
    """A transaction with only the fields the docs publish."""
    return {key: value for key, value in record.items() if key in DOCUMENTED_TRANSACTION}


async def _read_all(seed: SeedConfig) -> dict[str, list[dict[str, Any]]]:
    sandbox = Sandbox(SandboxConfig(today=seed.anchor, seed=seed.seed, size=seed.size, token=TOKEN))
    try:
        transport = httpx2.ASGITransport(app=sandbox.app)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx2.AsyncClient(transport=transport, base_url="http://sandbox", headers=headers) as api:
            families = ("invoices", "clients", "counterparties", "transactions")
            return {family: await _walk(api, family) for family in families}
    finally:
        sandbox.close()


async def _walk(api: httpx2.AsyncClient, family: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    page = 1
    while True:
        response = await api.get(f"/{family}", params={"page": page, "itemsPerPage": PAGE})
        response.raise_for_status()
        body = response.json()
        members = body.get("hydra:member", body.get("member", []))
        records.extend(members)
        view = body.get("hydra:view", body.get("view", {}))
        if not members or not (view.get("hydra:next") or view.get("next")):
            return records
        page += 1


def match(labelled: LabelledSet) -> Plan:
    return reconcile_all(labelled.transactions, labelled.index)


def found(plan: Plan) -> dict[str, tuple[str, Expected]]:
    """Per transaction: the status and the allocations of its best candidate (sorted by invoice)."""
    result: dict[str, tuple[str, Expected]] = {}
    for outcome in plan.outcomes:
        best = outcome.candidates[0] if outcome.candidates else None
        allocations = tuple(sorted((a.invoice_id, a.amount) for a in best.allocations)) if best else ()
        result[outcome.transaction_id] = (outcome.status, allocations)
    return result


def score(plan: Plan, labels: Mapping[str, Label]) -> list[KindScore]:
    """Per kind, then overall ("all"), in the order: matchable kinds, then decoys."""
    outcomes = found(plan)
    kinds = sorted({label.kind for label in labels.values()})
    scores = [
        _score_of(kind, [t for t, label in labels.items() if label.kind == kind], outcomes, labels) for kind in kinds
    ]
    scores.sort(key=lambda s: (s.decoy, s.kind))
    return [*scores, _score_of("all", list(labels), outcomes, labels)]


def score_by_identifier(plan: Plan, labels: Mapping[str, Label]) -> list[KindScore]:
    """The certain-payer kinds per identifier that tied the payer, in the identifiers' declared order."""
    outcomes = found(plan)
    groups: dict[str, list[str]] = {}
    for t, label in labels.items():
        if label.kind in CERTAIN_PAYER_KINDS and label.identifier:
            groups.setdefault(label.identifier, []).append(t)
    order = [identifier.value for identifier in PayerIdentifier]
    return [_score_of(name, groups[name], outcomes, labels) for name in sorted(groups, key=order.index)]


def _score_of(
    kind: str, ids: Iterable[str], outcomes: Mapping[str, tuple[str, Expected]], labels: Mapping[str, Label]
) -> KindScore:
    wanted = list(ids)
    statuses = [outcomes[t][0] for t in wanted]
    right = 0
    for t in wanted:
        expected = labels[t].expected
        status, allocations = outcomes[t]
        if status == "auto" and expected is not None and allocations == tuple(sorted(expected)):
            right += 1
    return KindScore(
        kind=kind,
        transfers=len(wanted),
        matchable=sum(1 for t in wanted if labels[t].expected is not None),
        auto=statuses.count("auto"),
        right=right,
        review=statuses.count("review"),
        no_match=statuses.count("no_match"),
    )
