"""Settings of one sandbox instance: credentials, storage, clock, paging and the seed dataset."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flowtly_mcp.sandbox.profiles import Profile, profile_from_env

Dataset = Mapping[str, Sequence[Mapping[str, Any]]]


def _demo_users() -> dict[str, str]:
    return {"demo": "demo"}


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves.

    `db_path=None` keeps everything in memory (tests); a path persists the data between runs.
    `today=None` follows the wall clock; a fixed date makes overdue statuses and KSeF dates reproducible.
    `dataset` replaces the seed generator's output with the given records (tests with hand-made data).
    `profile` chooses the served shape (`profiles.py`): only the published fields, or the extended ones;
    by default FLOWTLY_SANDBOX_PROFILE, else `profiles.DEFAULT_PROFILE`.
    `ignored_filters` names, per family, filters the sandbox accepts but does not apply, as some real servers do
    (`{"invoice-transactions": frozenset({"transaction"})}` lists every application whatever `transaction` asks):
    for testing that a client stays correct and cheap when a filter it sends is ignored. Empty by default.
    """

    token: str = "sandbox-token"
    db_path: Path | None = None
    hydra_prefix: bool = True
    today: date | None = None
    seed: int = 7
    size: float = 1.0
    users: Mapping[str, str] = field(default_factory=_demo_users)
    jwt_ttl_seconds: int = 3600
    page_size: int = 30
    max_page_size: int = 100
    ksef_steps: int = 2
    seed_data: bool = True
    dataset: Dataset | None = None
    profile: Profile = field(default_factory=profile_from_env)
    ignored_filters: Mapping[str, frozenset[str]] = field(default_factory=dict)
