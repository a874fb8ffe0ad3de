"""Precision and recall per kind on the sandbox's labelled reconciliation set, from documented fields only.

The records are read over HTTP from the sandbox of the default seed (the one `tests/data/reconciliation_eval.json`
labels); transactions keep only their published fields, so each payment's currency comes from the account it
arrived in and its payer from its counterparty. Automatic matches must always be right, overall and per kind;
recall must be at least 0.95 overall and 0.9 for every kind; a decoy is never applied.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.suites import reconcile_labelled
from flowtly_mcp.sandbox.seed import SeedConfig

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
            assert chosen.reasons[0].startswith("payer certain: counterparty NIP "), chosen.reasons
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
