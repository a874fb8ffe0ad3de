"""The bench's synthetic reconciliation workload, at a smaller scale: every kind the reconciliation issue names.

Automatic matches are always right, per kind; decoys and the kinds a person settles are never applied; every kind
meant to be applied is applied; and every automatic decision carries its reasons: the title's reference, or the
identifier that made the payer certain (a NIP in any spelling, an account with or without spaces, the
counterparty's own record) with why the invoice or combination is the only fit.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from bench.suites import reconcile_data
from flowtly_mcp.finance.matching import MatchIndex, Plan, reconcile_all

REFERENCE = re.compile(r'(title|split-payment /INV/) (names|has) .*"|one character away from invoice')
CERTAIN = re.compile(r"^payer certain: counterparty (NIP|account) .+ and to no other client$")
UNIQUE = re.compile(r"open (PLN|EUR) invoices: the only (one of its \d+ candidate|combination of [23] of its \d+)")


@pytest.fixture(scope="module")
def workload() -> reconcile_data.Workload:
    return reconcile_data.build(3_000, 3_000)


@pytest.fixture(scope="module")
def plan(workload: reconcile_data.Workload) -> Plan:
    return reconcile_all(
        workload.transactions, MatchIndex.build(workload.invoices, workload.clients, workload.counterparties)
    )


def test_the_workload_has_every_kind_the_issue_names(workload: reconcile_data.Workload) -> None:
    kinds = set(workload.kinds.values())
    assert {
        "amount, payer by its counterparty record",
        "amount, payer by NIP (any spelling)",
        "amount, payer by IBAN (any spacing)",
        "2-3 invoices, numbers in title",
        "2-3 invoices, no numbers",
        "decoy: amount of two clients' invoices, unknown sender",
        "decoy: number that does not exist",
        "decoy: payer by name only",
        "decoy: EUR paying a PLN figure",
    } <= kinds


def test_automatic_matches_are_right_and_decoys_never_applied(workload: reconcile_data.Workload, plan: Plan) -> None:
    applied: dict[str, list[bool]] = defaultdict(list)
    for outcome in plan.outcomes:
        if outcome.chosen is not None:
            kind = workload.kinds[outcome.transaction_id]
            applied[kind].append(set(outcome.chosen.invoice_ids) == set(workload.truth[outcome.transaction_id]))
    for kind, rights in applied.items():
        assert not kind.startswith(("decoy:", "review:")), f"{kind}: {len(rights)} applied"
        assert all(rights), f"{kind}: {rights.count(False)} of {len(rights)} applied wrongly"
    meant = {kind for kind in workload.kinds.values() if not kind.startswith(("decoy:", "review:", "unrelated"))}
    assert meant <= set(applied), f"never applied: {meant - set(applied)}"


def test_every_automatic_decision_says_what_decided_it(workload: reconcile_data.Workload, plan: Plan) -> None:
    by_payer = 0
    for outcome in plan.outcomes:
        chosen = outcome.chosen
        if chosen is None:
            continue
        assert outcome.reasons and outcome.reasons[0].startswith("the only candidate scoring at least")
        if any(REFERENCE.search(reason) for reason in chosen.reasons):
            continue
        by_payer += 1
        kind = workload.kinds[outcome.transaction_id]
        assert kind.startswith(("amount,", "2-3 invoices, no numbers")), (kind, chosen.reasons)
        assert CERTAIN.match(chosen.reasons[0]), chosen.reasons
        if kind == "amount, payer by IBAN (any spacing)":
            assert chosen.reasons[0].startswith("payer certain: counterparty account PL"), chosen.reasons
        if kind == "amount, payer by NIP (any spelling)":
            assert chosen.reasons[0].startswith("payer certain: counterparty NIP "), chosen.reasons
        assert chosen.reasons[1] == "no usable reference in the title"
        assert UNIQUE.search(chosen.reasons[2]), chosen.reasons
    assert by_payer >= 100
