"""Precision and recall per kind on the sandbox's labelled reconciliation set, from documented fields only.

The records are read over HTTP from the sandbox of the default seed (the one `tests/data/reconciliation_eval.json`
labels); transactions keep only their published fields, so each payment's currency comes from the account it
arrived in and its payer from its counterparty. Automatic matches must always be right, overall and per kind;
recall must be at least 0.95 overall and 0.9 for every kind; a decoy is never applied. The certain payers are
identified in every way the docs' counterparty can carry (its NIP as `5273180297`, `527-318-02-97` or
`PL5273180297`, its IBAN with or without spaces, or both): each way is present, and each is matched, on the
strength of that identifier.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.suites import reconcile_labelled
from flowtly_mcp.finance.identifiers import compact_iban
from flowtly_mcp.sandbox.seed import PayerIdentifier, SeedConfig, ground_truth

EVAL = json.loads((Path(__file__).parents[1] / "data" / "reconciliation_eval.json").read_text(encoding="utf-8"))
DECOYS = {"two_clients", "unknown_number", "name_only", "other_currency", "ambiguous", "unrelated"}


@pytest.fixture(scope="module")
def labelled() -> reconcile_labelled.LabelledSet:
    cfg = SeedConfig(seed=EVAL["seed"], size=EVAL["size"])
    assert cfg.anchor.isoformat() == EVAL["anchor"]
    return reconcile_labelled.load(cfg)


def test_the_set_is_the_committed_labelled_file(labelled: reconcile_labelled.LabelledSet) -> None:
    from_file = {
        case["transaction"]: None
        if case["expected"] is None
        else sorted((a["invoice"], a["amount"]) for a in case["expected"])
        for case in EVAL["cases"]
    }
    loaded = {
        t: None if label.expected is None else sorted((i, str(amount)) for i, amount in label.expected)
        for t, label in labelled.labels.items()
    }
    assert loaded == from_file
    assert {t.id for t in labelled.transactions} == set(from_file)
    kinds = Counter(case["kind"] for case in EVAL["cases"])
    assert kinds["amount_only"] >= 15 and kinds["multi_invoice"] >= 15


def test_precision_is_perfect_and_recall_holds_per_kind(
    labelled: reconcile_labelled.LabelledSet, request: pytest.FixtureRequest
) -> None:
    plan = reconcile_labelled.match(labelled)
    scores = {score.kind: score for score in reconcile_labelled.score(plan, labelled.labels)}
    request.node.user_properties += [(f"{k}.precision", s.precision) for k, s in scores.items()]
    request.node.user_properties += [(f"{k}.recall", s.recall) for k, s in scores.items() if not s.decoy]
    overall = scores.pop("all")
    assert overall.precision == 1.0, overall
    assert overall.recall >= 0.95, overall
    for kind, score in scores.items():
        assert score.precision == 1.0, score
        if kind in DECOYS:
            assert score.decoy and score.auto == 0, score
        else:
            assert score.recall >= 0.9, score


def test_every_automatic_decision_names_the_identifier_or_reference_behind_it(
    labelled: reconcile_labelled.LabelledSet,
) -> None:
    plan = reconcile_labelled.match(labelled)
    kinds = {t: label.kind for t, label in labelled.labels.items()}
    for outcome in plan.with_status("auto"):
        chosen = outcome.chosen
        assert chosen is not None
        assert outcome.currency in ("PLN", "EUR")
        by_reference = any("names" in reason or "one character away" in reason for reason in chosen.reasons)
        if kinds[outcome.transaction_id] in ("amount_only", "multi_invoice") and not by_reference:
            assert chosen.reasons[0].startswith(
                ("payer certain: counterparty NIP ", "payer certain: counterparty account ")
            ), chosen.reasons
            assert chosen.reasons[1] == "no usable reference in the title"
            assert "the only one of its" in chosen.reasons[2] or "the only combination of" in chosen.reasons[2]
        else:
            assert by_reference, chosen.reasons
        assert kinds[outcome.transaction_id] != "amount_only" or not by_reference


def test_eur_payments_into_the_eur_account_are_matched_in_eur(labelled: reconcile_labelled.LabelledSet) -> None:
    plan = reconcile_labelled.match(labelled)
    cases = {case["transaction"]: case for case in EVAL["cases"]}
    in_eur = [outcome for outcome in plan.outcomes if cases[outcome.transaction_id]["currency"] == "EUR"]
    assert len(in_eur) >= 5
    for outcome in in_eur:
        assert outcome.currency == "EUR"
        for candidate in outcome.candidates:
            assert {allocation.currency for allocation in candidate.allocations} == {"EUR"}


def test_every_way_of_identifying_a_certain_payer_is_present_in_both_kinds() -> None:
    truth = ground_truth(SeedConfig(seed=EVAL["seed"], size=EVAL["size"]))
    certain = [label for label in truth.reconciliation if label.kind.value in reconcile_labelled.CERTAIN_PAYER_KINDS]
    ways = Counter(label.identifier for label in certain if label.identifier)
    assert set(ways) == set(PayerIdentifier), ways
    assert all(count >= 2 for count in ways.values()), ways
    for kind in reconcile_labelled.CERTAIN_PAYER_KINDS:
        of_kind = Counter(label.identifier for label in certain if label.kind.value == kind and label.identifier)
        assert set(of_kind) == set(PayerIdentifier) and min(of_kind.values()) >= 2, (kind, of_kind)
    by_file = {case["transaction"]: case["identifier"] for case in EVAL["cases"]}
    assert {label.transaction_id: label.identifier for label in truth.reconciliation} == by_file
    # A sender no record knows is identified by nothing.
    assert all(label.identifier is None for label in truth.reconciliation if label.kind.value == "name_only")


def test_the_counterparty_a_transaction_embeds_carries_only_its_identifier(
    labelled: reconcile_labelled.LabelledSet,
) -> None:
    """What the engine reads is what the label says: the spelling of the NIP, the account, or both; nothing else."""
    seen: set[str] = set()
    for transaction in labelled.transactions:
        label = labelled.labels[transaction.id]
        if label.kind in ("name_only", "two_clients"):
            # A sender no record knows: no counterparty, so neither a NIP nor an account to tie it by.
            assert labelled.served[transaction.id]["counterparty"] is None, transaction
            assert transaction.counterparty_tin is None and not transaction.counterparty_accounts
        if label.kind not in reconcile_labelled.CERTAIN_PAYER_KINDS or label.identifier is None:
            continue
        way = PayerIdentifier(label.identifier)
        seen.add(way)
        embedded = labelled.served[transaction.id]["counterparty"]
        tin, accounts = embedded["tin"], embedded["bankAccounts"]
        assert tin == transaction.counterparty_tin and embedded["clientTin"] == tin, embedded
        if way in (PayerIdentifier.IBAN_SPACED, PayerIdentifier.IBAN_COMPACT):
            assert tin is None and len(accounts) == 1, embedded
            assert (" " in accounts[0]) is (way is PayerIdentifier.IBAN_SPACED), accounts
        else:
            assert tin is not None, embedded
            assert bool(accounts) is (way is PayerIdentifier.NIP_AND_IBAN), embedded
        if way is PayerIdentifier.NIP_DASHED:
            assert tin is not None and tin.count("-") == 3 and len(tin) == 13, tin
        if way is PayerIdentifier.NIP_PREFIXED:
            assert tin is not None and tin.startswith("PL") and tin[2:].isdigit() and len(tin) == 12, tin
        if way is PayerIdentifier.NIP_PLAIN:
            assert tin is not None and tin.isdigit() and len(tin) == 10, tin
    assert seen == set(PayerIdentifier)


def test_every_identifier_alone_ties_the_payer_and_its_cases_are_applied(
    labelled: reconcile_labelled.LabelledSet, request: pytest.FixtureRequest
) -> None:
    """Each way's cases are all applied, right; where no reference decides, the reason names that identifier."""
    plan = reconcile_labelled.match(labelled)
    scores = reconcile_labelled.score_by_identifier(plan, labelled.labels)
    request.node.user_properties += [(f"{s.kind}.recall", s.recall) for s in scores]
    assert {score.kind for score in scores} == {way.value for way in PayerIdentifier}
    for score in scores:
        assert score.transfers >= 2 and score.precision == 1.0 and score.recall == 1.0, score

    cases = {case["transaction"]: case for case in EVAL["cases"]}
    tied_by: Counter[str] = Counter()
    for outcome in plan.outcomes:
        label = labelled.labels[outcome.transaction_id]
        if label.kind not in reconcile_labelled.CERTAIN_PAYER_KINDS or label.identifier is None:
            continue
        chosen = outcome.chosen
        assert outcome.status == "auto" and chosen is not None, outcome
        payer = chosen.reasons[0]
        if not payer.startswith("payer certain: "):
            assert any("names invoice" in reason for reason in chosen.reasons), chosen.reasons
            continue
        tied_by[label.identifier] += 1
        way = PayerIdentifier(label.identifier)
        transaction = next(t for t in labelled.transactions if t.id == outcome.transaction_id)
        named_nip = f"counterparty NIP {transaction.counterparty_tin} " in payer
        named_account = any(
            f"counterparty account {compact_iban(a)} " in payer for a in transaction.counterparty_accounts
        )
        assert named_nip is (way not in (PayerIdentifier.IBAN_SPACED, PayerIdentifier.IBAN_COMPACT)), payer
        assert named_account is (
            way in (PayerIdentifier.IBAN_SPACED, PayerIdentifier.IBAN_COMPACT, PayerIdentifier.NIP_AND_IBAN)
        ), payer
        assert cases[outcome.transaction_id]["identifier"] == way.value
    # Every way, not only the combined one, carries automatic decisions on its own.
    assert set(tied_by) == {way.value for way in PayerIdentifier}, tied_by
    assert all(count >= 2 for count in tied_by.values()), tied_by
