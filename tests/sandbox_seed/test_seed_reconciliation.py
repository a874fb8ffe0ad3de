"""The planted unmatched transfers agree with the ledger, checked with arithmetic done from the rows up."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth, SeedConfig, generate

from .checks import check_labels, unmatched_incoming
from .support import Dataset, by_id


def test_every_unmatched_incoming_transfer_is_labelled(data: Dataset, truth: GroundTruth) -> None:
    labelled = [label.transaction_id for label in truth.reconciliation]
    assert len(labelled) == len(set(labelled))
    assert set(labelled) == unmatched_incoming(data)
    kinds = Counter(label.kind for label in truth.reconciliation)
    assert set(kinds) == set(CaseKind)
    assert kinds[CaseKind.TYPO_NUMBER] == 3
    # Enough of each kind without a usable reference to measure it, and of every decoy to see it never applied.
    assert kinds[CaseKind.AMOUNT_ONLY] >= 15 and kinds[CaseKind.MULTI_INVOICE] >= 15
    decoys = (CaseKind.TWO_CLIENTS, CaseKind.UNKNOWN_NUMBER, CaseKind.NAME_ONLY, CaseKind.OTHER_CURRENCY)
    assert all(kinds[kind] >= 4 for kind in decoys)
    in_eur = Counter(label.kind for label in truth.reconciliation if label.currency == "EUR")
    assert in_eur[CaseKind.AMOUNT_ONLY] >= 1 and in_eur[CaseKind.MULTI_INVOICE] >= 1
    assert in_eur[CaseKind.TWO_CLIENTS] >= 1 and in_eur[CaseKind.OTHER_CURRENCY] >= 1


def test_labels_agree_with_the_ledger(data: Dataset, truth: GroundTruth) -> None:
    check_labels(data, truth)


def test_injection_transfer_is_an_unrelated_label(data: Dataset, truth: GroundTruth) -> None:
    (injection,) = truth.injection_transaction_ids
    assert truth.label(injection).kind is CaseKind.UNRELATED
    title = by_id(data, "transactions")[injection]["description"]
    assert "IGNORE PREVIOUS INSTRUCTIONS" in title


def test_typo_variants(data: Dataset, truth: GroundTruth) -> None:
    invoices = by_id(data, "invoices")
    transactions = by_id(data, "transactions")
    titles = []
    for label in truth.reconciliation:
        if label.kind is CaseKind.TYPO_NUMBER:
            assert label.allocations is not None
            titles.append(
                (transactions[label.transaction_id]["description"], invoices[label.allocations[0].invoice_id]["name"])
            )
    separators, lower, wrong_char = sorted(titles, key=lambda pair: ("-" not in pair[0], "fv/" not in pair[0]))
    assert re.search(r"FV \d{4}-\d{2}-\d{4}", separators[0])
    assert lower[0].startswith("fv/") and lower[1].lower() not in lower[0]
    assert "O" in wrong_char[0].split(" ", 1)[1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_labels_hold_for_other_seeds(seed: int) -> None:
    data, truth = generate(SeedConfig(seed=seed))
    assert {label.transaction_id for label in truth.reconciliation} == unmatched_incoming(data)
    check_labels(data, truth)
