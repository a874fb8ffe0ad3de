"""The benchmark size: about 20,000 invoices, with every planted case still planted and still unambiguous."""

from __future__ import annotations

import pytest

from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth, SeedConfig, generate

from .checks import check_labels, unmatched_incoming


# About 3 s on an idle machine, well over 5 s on a busy shared one.
@pytest.mark.slow
def test_size_fifty(truth: GroundTruth) -> None:
    data, big_truth = generate(SeedConfig(size=50))
    assert len(data["invoices"]) >= 20_000
    assert len(data["clients"]) > 200
    assert [label.kind for label in big_truth.reconciliation] == [label.kind for label in truth.reconciliation]
    assert {label.transaction_id for label in big_truth.reconciliation} == unmatched_incoming(data)
    # Amounts that must identify an invoice by themselves stay unique among 20,000 invoices.
    check_labels(data, big_truth)
    assert CaseKind.AMOUNT_ONLY in {label.kind for label in big_truth.reconciliation}
