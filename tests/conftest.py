"""Shared by every test family: the API variant a test runs against (tests/api_variants.py)."""

from __future__ import annotations

import pytest

from tests.api_variants import ALL_VARIANTS, DEFAULT_VARIANT, ApiVariant


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "api_matrix: run in every API variant (Hydra prefixed and plain, pages of 7, the /api prefix)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Marked tests run in every variant; the rest take the default one from the fixture below.
    if "api_variant" in metafunc.fixturenames and metafunc.definition.get_closest_marker("api_matrix"):
        metafunc.parametrize("api_variant", ALL_VARIANTS, ids=[v.id for v in ALL_VARIANTS])


@pytest.fixture
def api_variant() -> ApiVariant:
    return DEFAULT_VARIANT
