"""One demo dataset per test session: generating it is deterministic, so sharing it is safe (tests only read)."""

from __future__ import annotations

import pytest

from flowtly_mcp.sandbox.seed import GroundTruth, SeedConfig, generate

from .support import Dataset


@pytest.fixture(scope="session")
def demo() -> tuple[Dataset, GroundTruth]:
    return generate(SeedConfig())


@pytest.fixture(scope="session")
def data(demo: tuple[Dataset, GroundTruth]) -> Dataset:
    return demo[0]


@pytest.fixture(scope="session")
def truth(demo: tuple[Dataset, GroundTruth]) -> GroundTruth:
    return demo[1]
