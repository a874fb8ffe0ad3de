"""The embedded store: one SQLite file that every worker process on this host opens.

Each thread of each process keeps its own connection (a connection is never shared across threads, nor inherited
by a forked worker), and every operation runs in one `BEGIN IMMEDIATE` transaction, which takes the database's
write lock before reading: a check-then-write such as "pending → approved" cannot interleave with another
process's. WAL mode lets readers go on meanwhile; `synchronous=FULL` makes each commit durable, so a consumed
approval or nonce stays consumed after a power cut (about 4 ms a commit here, against 20 ms for a connection per
operation, whose close checkpoints the WAL).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from flowtly_mcp.approvals.models import ApprovalStatus, PendingApproval
from flowtly_mcp.approvals.store import Ceilings, StoreError, Usage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at REAL,
    executed_at REAL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_by_time ON approvals (created_at);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
    tool TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL, amount TEXT NOT NULL,
    PRIMARY KEY (tool, day)
);
"""

# Decided approvals stay readable for a week (for `approvals list` and the audit), then go.
RETENTION_SECONDS = 7 * 24 * 3600


class SQLiteStore:
    """A `StateStore` in one SQLite file."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            finally:
                db.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the approval store {path}: {exc}") from exc

    def _connection(self) -> sqlite3.Connection:
        owner, db = getattr(self._local, "connection", (None, None))
        if db is None or owner != os.getpid():
            db = sqlite3.connect(self.path, isolation_level=None, timeout=self._busy_timeout_ms / 1000)
            db.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            db.execute("PRAGMA synchronous=FULL")
            self._local.connection = (os.getpid(), db)
        return db

    @contextmanager
    def _transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        # Writers take the write lock before reading what they check; readers only need a consistent snapshot.
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # Approvals ------------------------------------------------------------------------------------------------
    def put(self, approval: PendingApproval) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM approvals WHERE expires_at < ?", (time.time() - RETENTION_SECONDS,))
            db.execute("DELETE FROM nonces WHERE expires_at < ?", (time.time(),))
            db.execute(
                "INSERT INTO approvals (id, created_at, expires_at, status, document) VALUES (?, ?, ?, ?, ?)",
                (
                    approval.id,
                    approval.created_at,
                    approval.expires_at,
                    approval.status.value,
                    approval.model_dump_json(),
                ),
            )

    @staticmethod
    def _row_to_approval(row: tuple[str, float, str, str | None, float | None, float | None]) -> PendingApproval:
        document, expires_at, status, decided_by, decided_at, executed_at = row
        data = json.loads(document)
        data.update(
            expires_at=expires_at,
            status=status,
            decided_by=decided_by,
            decided_at=decided_at,
            executed_at=executed_at,
        )
        return PendingApproval.model_validate(data)

    _COLUMNS = "document, expires_at, status, decided_by, decided_at, executed_at"

    def get(self, approval_id: str) -> PendingApproval | None:
        with self._transaction(write=False) as db:
            row = db.execute(f"SELECT {self._COLUMNS} FROM approvals WHERE id = ?", (approval_id,)).fetchone()
        return None if row is None else self._row_to_approval(row)

    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[PendingApproval]:
        query = f"SELECT {self._COLUMNS} FROM approvals"
        params: tuple[object, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status.value,)
        query += " ORDER BY created_at DESC LIMIT ?"
        with self._transaction(write=False) as db:
            rows = db.execute(query, (*params, limit)).fetchall()
        return [self._row_to_approval(row) for row in rows]

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
        stamp = "executed_at" if new is ApprovalStatus.EXECUTED else "decided_at"
        with self._transaction() as db:
            moved = db.execute(
                f"UPDATE approvals SET status = ?, {stamp} = ?, "
                "decided_by = COALESCE(?, decided_by), expires_at = COALESCE(?, expires_at) "
                "WHERE id = ? AND status = ? AND expires_at > ?",
                (new.value, now, by, new_expires_at, approval_id, expected.value, now),
            ).rowcount
            if moved != 1:
                return None
            row = db.execute(f"SELECT {self._COLUMNS} FROM approvals WHERE id = ?", (approval_id,)).fetchone()
        return self._row_to_approval(row)

    # Nonces and counters --------------------------------------------------------------------------------------
    def consume_nonce(self, nonce: str, *, expires_at: float, now: float) -> bool:
        with self._transaction() as db:
            db.execute("DELETE FROM nonces WHERE nonce = ? AND expires_at < ?", (nonce, now))
            inserted = db.execute(
                "INSERT OR IGNORE INTO nonces (nonce, expires_at) VALUES (?, ?)", (nonce, expires_at)
            ).rowcount
        return inserted == 1

    def usage(self, tool: str, day: str) -> Usage:
        with self._transaction(write=False) as db:
            row = db.execute("SELECT count, amount FROM usage WHERE tool = ? AND day = ?", (tool, day)).fetchone()
        return Usage(0, Decimal(0)) if row is None else Usage(int(row[0]), Decimal(row[1]))

    def reserve(self, tool: str, day: str, amount: Decimal | None, ceilings: Ceilings) -> bool:
        with self._transaction() as db:
            row = db.execute("SELECT count, amount FROM usage WHERE tool = ? AND day = ?", (tool, day)).fetchone()
            count, total = (0, Decimal(0)) if row is None else (int(row[0]), Decimal(row[1]))
            new_count, new_total = count + 1, total + (amount or Decimal(0))
            if ceilings.max_count is not None and new_count > ceilings.max_count:
                return False
            if ceilings.max_amount is not None and new_total > ceilings.max_amount:
                return False
            db.execute(
                "INSERT INTO usage (tool, day, count, amount) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (tool, day) DO UPDATE SET count = excluded.count, amount = excluded.amount",
                (tool, day, new_count, str(new_total)),
            )
            db.execute("DELETE FROM usage WHERE day < date(?, '-7 days')", (day,))
        return True

    def release(self, tool: str, day: str, amount: Decimal | None) -> None:
        with self._transaction() as db:
            row = db.execute("SELECT count, amount FROM usage WHERE tool = ? AND day = ?", (tool, day)).fetchone()
            if row is None:
                return
            count = max(int(row[0]) - 1, 0)
            total = max(Decimal(row[1]) - (amount or Decimal(0)), Decimal(0))
            db.execute(
                "UPDATE usage SET count = ?, amount = ? WHERE tool = ? AND day = ?", (count, str(total), tool, day)
            )

    def close(self) -> None:
        """Closes this thread's connection (other threads' close when they end)."""
        owner, db = getattr(self._local, "connection", (None, None))
        if db is not None and owner == os.getpid():
            db.close()
        self._local.connection = (None, None)
