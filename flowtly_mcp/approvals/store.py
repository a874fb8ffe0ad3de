"""The shared state store: pending approvals, consumed confirmation nonces and the policy's day counters.

Every worker process (and, with Redis, every host) sees the same store, and each state change that must happen at
most once is a single atomic operation in it: deciding an approval, consuming it, consuming a nonce, reserving a
share of a day's ceiling. `open_store` picks the backend from `FLOWTLY_STATE_URL`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from flowtly_mcp.approvals.models import ApprovalStatus, PendingApproval


class StoreError(RuntimeError):
    """The store cannot be used (bad URL, server unreachable); the message says which and what to do."""


@dataclass(frozen=True)
class Usage:
    """What a tool has used of today's ceilings."""

    count: int
    amount: Decimal


@dataclass(frozen=True)
class Ceilings:
    """The day limits a reservation must stay within; None means no limit of that kind."""

    max_count: int | None = None
    max_amount: Decimal | None = None


class StateStore(Protocol):
    """What the approval service and the policy need from a store. Every method is safe across processes."""

    def put(self, approval: PendingApproval) -> None:
        """Store a new approval (its id must be new)."""

    def get(self, approval_id: str) -> PendingApproval | None:
        """The approval as stored now, or None when unknown (or purged after its retention)."""

    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[PendingApproval]:
        """Approvals, newest first, optionally only those with one status."""

    def transition(
        self,
        approval_id: str,
        *,
        expected: ApprovalStatus,
        new: ApprovalStatus,
        now: float,
        by: str | None = None,
        new_expires_at: float | None = None,
    ) -> PendingApproval | None:
        """Atomically move `expected` → `new` while unexpired; the updated approval to the one caller that did it.

        None when the approval is unknown, not in `expected`, or expired: exactly one of many racing callers wins.
        """

    def consume_nonce(self, nonce: str, *, expires_at: float, now: float) -> bool:
        """True the first time a nonce is consumed, False on every later try (in any process)."""

    def usage(self, tool: str, day: str) -> Usage:
        """Today's count and amount for one tool."""

    def reserve(self, tool: str, day: str, amount: Decimal | None, ceilings: Ceilings) -> bool:
        """Atomically add one call (and `amount`) to the day's counters if that stays within `ceilings`."""

    def release(self, tool: str, day: str, amount: Decimal | None) -> None:
        """Atomically take back one reserved call (and `amount`) from the day's counters, never below zero."""

    def close(self) -> None:
        """Release connections."""


def default_state_path() -> Path:
    from flowtly_mcp.config import default_data_dir

    return default_data_dir() / "state.sqlite3"


def open_store(environ: Mapping[str, str] | None = None) -> StateStore:
    """The store `FLOWTLY_STATE_URL` names: `redis://…`, `rediss://…`, `sqlite:///path`; unset: the default file."""
    env = os.environ if environ is None else environ
    url = env.get("FLOWTLY_STATE_URL", "").strip()
    return store_from_url(url)


def store_from_url(url: str) -> StateStore:
    if not url:
        from flowtly_mcp.approvals.sqlite_store import SQLiteStore

        return SQLiteStore(default_state_path())
    if url.startswith(("redis://", "rediss://", "unix://")):
        from flowtly_mcp.approvals.redis_store import RedisStore

        return RedisStore.from_url(url)
    if url.startswith("sqlite:///"):
        from flowtly_mcp.approvals.sqlite_store import SQLiteStore

        return SQLiteStore(Path(url.removeprefix("sqlite://")).expanduser())
    raise StoreError(
        "FLOWTLY_STATE_URL must be redis://host:port/db, rediss://…, or sqlite:///absolute/path "
        "(unset: a SQLite file in the user data dir)"
    )
