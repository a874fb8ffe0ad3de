"""Where a fresh sandbox's data comes from: the given dataset, the seed generator, or just the organization."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from flowtly_mcp.sandbox.config import Dataset, SandboxConfig
from flowtly_mcp.sandbox.world import DEFAULT_ORGANIZATION


def initial_dataset(config: SandboxConfig, today: date) -> Dataset:
    if config.dataset is not None:
        return config.dataset
    if config.seed_data:
        generated = _generated(config, today)
        if generated is not None:
            return generated
    return {"organizations": [dict(DEFAULT_ORGANIZATION)]}


def _generated(config: SandboxConfig, today: date) -> Dataset | None:
    try:
        seed: Any = importlib.import_module("flowtly_mcp.sandbox.seed")
    except ImportError:
        return None
    build = getattr(seed, "build_dataset", None)
    seed_config = getattr(seed, "SeedConfig", None)
    if build is None or seed_config is None:
        return None
    dataset: Dataset = build(seed_config(seed=config.seed, size=config.size, anchor=today))
    return dataset
