"""Deterministic demo data for the sandbox: a Polish software house's finance ledger, with planted cases.

`build_dataset(cfg)` returns the records the sandbox core loads (see `sandbox/DATA.md`); `ground_truth(cfg)` returns
the answers planted in them (reconciliation labels, duplicate counterparties, KSeF states, hostile texts);
`generate(cfg)` returns both from one run.
The same config always gives the same output: every random choice comes from a stream seeded by the config.
"""

from __future__ import annotations

from .builder import generate
from .config import SeedConfig
from .truth import (
    Allocation,
    CaseKind,
    DuplicateGroup,
    DuplicateTier,
    GroundTruth,
    InvalidTin,
    KsefCorrection,
    KsefRejection,
    KsefState,
    NoMatchReason,
    NonDuplicatePair,
    PayerIdentifier,
    ReconciliationLabel,
)
from .world import Dataset

__all__ = [
    "Allocation",
    "CaseKind",
    "Dataset",
    "DuplicateGroup",
    "DuplicateTier",
    "GroundTruth",
    "InvalidTin",
    "KsefCorrection",
    "KsefRejection",
    "KsefState",
    "NoMatchReason",
    "NonDuplicatePair",
    "PayerIdentifier",
    "ReconciliationLabel",
    "SeedConfig",
    "build_dataset",
    "generate",
    "ground_truth",
]


def build_dataset(cfg: SeedConfig | None = None) -> Dataset:
    """The records of every family, keyed by the family's path name (`"invoices"`, `"client-notes"`, ...)."""
    return generate(cfg or SeedConfig())[0]


def ground_truth(cfg: SeedConfig | None = None) -> GroundTruth:
    """The planted cases of the dataset `build_dataset(cfg)` returns."""
    return generate(cfg or SeedConfig())[1]
