"""The generator is a pure function of its config: same config, same records; no global state touched."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from flowtly_mcp.sandbox.seed import GroundTruth, SeedConfig, build_dataset, generate, ground_truth

from .support import Dataset


def test_same_config_gives_identical_output(demo: tuple[Dataset, GroundTruth]) -> None:
    data, truth = demo
    assert build_dataset(SeedConfig()) == data
    assert ground_truth(SeedConfig()) == truth


def test_public_functions_agree_with_one_run() -> None:
    cfg = SeedConfig(seed=3, anchor=date(2026, 5, 4))
    data, truth = generate(cfg)
    assert build_dataset(cfg) == data
    assert ground_truth(cfg) == truth


def test_another_seed_gives_other_data(data: Dataset) -> None:
    other = build_dataset(SeedConfig(seed=8))
    assert [c["name"] for c in other["clients"]] != [c["name"] for c in data["clients"]]
    assert [r["netPrice"] for r in other["invoice-rows"][:50]] != [r["netPrice"] for r in data["invoice-rows"][:50]]


def test_global_random_state_is_untouched() -> None:
    random.seed(12345)
    before = random.getstate()
    build_dataset(SeedConfig(seed=11))
    assert random.getstate() == before


def test_anchor_moves_the_whole_ledger() -> None:
    cfg = SeedConfig(anchor=date(2025, 12, 31))
    data = build_dataset(cfg)
    issue_dates = sorted(invoice["issueDate"][:10] for invoice in data["invoices"])
    assert issue_dates[0] >= "2024-06-30"
    assert issue_dates[-1] <= "2025-12-31"
    assert all(t["execDate"][:10] < "2025-12-31" for t in data["transactions"])


def test_size_grows_volume_but_keeps_planted_cases(truth: GroundTruth) -> None:
    bigger_data, bigger_truth = generate(SeedConfig(size=2.5))
    assert len(bigger_data["invoices"]) > 2 * 420
    assert [label.kind for label in bigger_truth.reconciliation] == [label.kind for label in truth.reconciliation]
    assert len(bigger_truth.duplicate_groups) == len(truth.duplicate_groups)


def test_config_is_frozen_and_validated() -> None:
    cfg = SeedConfig()
    assert (cfg.seed, cfg.size, cfg.anchor) == (7, 1.0, date(2026, 11, 16))
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.seed = 8  # type: ignore[misc]
    for bad in (0, -1.0, 1000.0):
        with pytest.raises(ValueError, match="size"):
            SeedConfig(size=bad)
