"""The sandbox's records: SQLite as the durable copy, an in-memory index for fast reads.

Every write goes to SQLite inside a transaction; the memory copy changes with it and, when a transaction fails
(a full disk, an I/O error, a rule that refused half-way), is reloaded from the database after the rollback, so
memory never shows a write SQLite does not have. A file database is held by one process at a time
(`database.open_exclusive`), which keeps the memory copy the only one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from copy import deepcopy
from pathlib import Path
from typing import Any

from flowtly_mcp.sandbox.codec import store_dumps, store_loads
from flowtly_mcp.sandbox.database import open_exclusive, release

Record = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    family TEXT NOT NULL,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (family, id)
);
CREATE TABLE IF NOT EXISTS counters (family TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def open_database(path: Path) -> sqlite3.Connection:
    """The sandbox database at `path`, locked for this process (DatabaseUnusable, DatabaseBusy when it cannot be)."""
    return open_exclusive(path, _SCHEMA)


class Store:
    """Records per family, keyed by id, in insertion order.

    Records handed out are the store's own dicts: callers treat them as read-only and write back through
    `insert` / `replace`, so the database and the memory copy never drift apart.
    """

    def __init__(self, path: Path | None, *, opened: sqlite3.Connection | None = None) -> None:
        """`opened`: the database at `path` as `open_database(path)` returned it, when it was locked earlier."""
        self.path = path
        if path is None:
            self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            self._db.executescript(_SCHEMA)
        else:
            self._db = opened if opened is not None else open_database(path)
        self._lock = threading.RLock()
        self._batch_depth = 0
        self._records: dict[str, dict[str, Record]] = {}
        self._positions: dict[str, int] = {}
        self.version = 0
        self._load()

    def _load(self) -> None:
        self._records.clear()
        self._positions.clear()
        rows = self._db.execute("SELECT family, id, position, body FROM records ORDER BY family, position")
        for family, key, position, body in rows:
            self._records.setdefault(family, {})[key] = store_loads(body)
            self._positions[family] = max(self._positions.get(family, 0), position)

    def close(self) -> None:
        self._db.close()
        if self.path is not None:
            release(self.path)

    # --- reading -------------------------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not any(self._records.values()) and self.meta("seeded") is None

    def families(self) -> list[str]:
        return list(self._records)

    def all(self, family: str) -> list[Record]:
        return list(self._records.get(family, {}).values())

    def get(self, family: str, record_id: object) -> Record | None:
        return self._records.get(family, {}).get(str(record_id))

    def count(self, family: str) -> int:
        return len(self._records.get(family, {}))

    # --- writing -------------------------------------------------------------------------------------------------
    # A single write runs its statement before it touches memory: a statement that fails (outside a batch it
    # commits on its own) leaves both unchanged. Blocks of writes go through `batch`.

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around a block of writes: all of them are stored, or none (memory included).

        The outermost block is a transaction (one fsync for a whole import or merge); nested blocks are
        savepoints, so a nested failure that the caller handles undoes only its own writes.
        """
        with self._lock:
            depth = self._batch_depth
            self._db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT nested_{depth}")
            self._batch_depth += 1
            try:
                yield
                if depth == 0:
                    self._db.execute("COMMIT")
                else:
                    self._db.execute(f"RELEASE nested_{depth}")
            except BaseException:
                self._undo(depth)
                raise
            finally:
                self._batch_depth = depth

    def _undo(self, depth: int) -> None:
        """Roll the database back to where the block began and make memory match it again."""
        try:
            if self._db.in_transaction:
                if depth == 0:
                    self._db.execute("ROLLBACK")
                else:
                    self._db.execute(f"ROLLBACK TO nested_{depth}")
                    self._db.execute(f"RELEASE nested_{depth}")
        finally:
            self._load()
            self.version += 1

    def insert(self, family: str, record: Record) -> Record:
        """Add a record; it must already carry its id (see `next_id`)."""
        with self._lock:
            key = str(record["id"])
            position = self._positions.get(family, 0) + 1
            self._db.execute(
                "INSERT OR REPLACE INTO records (family, id, position, body) VALUES (?, ?, ?, ?)",
                (family, key, position, store_dumps(record)),
            )
            self._positions[family] = position
            self._records.setdefault(family, {})[key] = record
            self.version += 1
            return record

    def replace(self, family: str, record: Record) -> Record:
        """Overwrite an existing record, keeping its place in the family's order."""
        with self._lock:
            key = str(record["id"])
            self._db.execute(
                "UPDATE records SET body = ? WHERE family = ? AND id = ?", (store_dumps(record), family, key)
            )
            self._records.setdefault(family, {})[key] = record
            self.version += 1
            return record

    def delete(self, family: str, record_id: object) -> None:
        with self._lock:
            key = str(record_id)
            self._db.execute("DELETE FROM records WHERE family = ? AND id = ?", (family, key))
            self._records.get(family, {}).pop(key, None)
            self.version += 1

    def next_id(self, family: str, prefix: str | None) -> int | str:
        """A fresh id: integers count up, prefixed string ids count up behind their prefix."""
        with self._lock:
            row = self._db.execute("SELECT next FROM counters WHERE family = ?", (family,)).fetchone()
            number = int(row[0]) if row else self._highest_number(family, prefix) + 1
            while self.get(family, f"{prefix}{number}" if prefix else number) is not None:
                number += 1
            self._db.execute("INSERT OR REPLACE INTO counters (family, next) VALUES (?, ?)", (family, number + 1))
            return f"{prefix}{number}" if prefix else number

    def _highest_number(self, family: str, prefix: str | None) -> int:
        highest = 0
        for key in self._records.get(family, {}):
            digits = key[len(prefix) :] if prefix and key.startswith(prefix) else key
            if digits.isascii() and digits.isdigit():
                highest = max(highest, int(digits))
        return highest

    # --- bulk ----------------------------------------------------------------------------------------------------

    def load(self, dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Replace everything with the given records (ids included)."""
        with self.batch():
            self.clear()
            for family, records in dataset.items():
                for record in records:
                    self.insert(family, deepcopy(dict(record)))
            self.set_meta("seeded", "yes")

    def clear(self) -> None:
        with self.batch():
            self._db.execute("DELETE FROM records")
            self._db.execute("DELETE FROM counters")
            self._db.execute("DELETE FROM meta WHERE key != 'jwt-secret'")
            self._records.clear()
            self._positions.clear()
            self.version += 1

    # --- settings kept with the data -----------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
