"""Opening the sandbox's SQLite file: one process at a time, only a sandbox database, clear errors at start-up.

The holding process keeps SQLite's exclusive lock for as long as it runs (`locking_mode=EXCLUSIVE`), so a second
process cannot read stale copies or write over the first one's changes; the operating system drops the lock when
the holder dies, even by kill -9. Who holds the lock is written beside the database (`<db>.holder`), so the
refusal can name the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from pathlib import Path

from flowtly_mcp.sandbox.startup import SandboxUnavailable

# PRAGMA application_id of every sandbox database ("Flwy"): `--reset` deletes only files that carry it.
APPLICATION_ID = 0x466C7779
SANDBOX_TABLES = frozenset({"records", "counters", "meta"})
_SQLITE_HEADER = b"SQLite format 3\x00"
# How long to wait for a lock a process may be about to release (a restart right after a stop).
LOCK_WAIT_SECONDS = 1.0


class DatabaseUnusable(SandboxUnavailable):
    """The sandbox cannot use this database file; the message says why and what to do."""


class DatabaseBusy(DatabaseUnusable):
    """Another process serves this sandbox database."""


def holder_path(path: Path) -> Path:
    return path.with_name(path.name + ".holder")


def side_files(path: Path) -> tuple[Path, ...]:
    """SQLite's journals and the holder note: deleted together with the database."""
    return tuple(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm", ".holder"))


def describe_holder(path: Path) -> str:
    """`pid 123 (flowtly-mcp sandbox ...)` from the holder note, or a neutral phrase when it cannot be read."""
    try:
        note = json.loads(holder_path(path).read_text(encoding="utf-8"))
        return f"pid {int(note['pid'])} ({str(note['command'])[:200]})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _busy(path: Path) -> DatabaseBusy:
    return DatabaseBusy(
        f"the sandbox database {path} is in use by {describe_holder(path)}; stop that process, point this one "
        "at it over HTTP (`flowtly-mcp sandbox` serves one sandbox to many clients), or choose another --db file"
    )


def _unusable(path: Path, reason: str) -> DatabaseUnusable:
    return DatabaseUnusable(f"cannot use {path} as the sandbox database: {reason}; choose another --db file")


def check_file(path: Path) -> None:
    """Refuse a path that is a directory or a file that is not SQLite, before SQLite touches it."""
    if path.is_dir():
        raise _unusable(path, "it is a directory")
    if path.parent.exists() and not path.parent.is_dir():
        raise _unusable(path, f"{path.parent} is not a folder")
    if not path.exists():
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise _unusable(path, f"its folder cannot be created ({error.strerror or error})") from error
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise _unusable(path, f"it cannot be read ({error.strerror or error})") from error
    if header and header != _SQLITE_HEADER:
        raise _unusable(path, "it is not a SQLite database")


def _tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(row[0]) for row in rows}


def is_sandbox(db: sqlite3.Connection) -> bool:
    """Our application id, or (files written before it was set) nothing but the sandbox's own tables."""
    application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    if application_id == APPLICATION_ID:
        return True
    tables = _tables(db)
    return application_id == 0 and tables <= SANDBOX_TABLES


def open_exclusive(path: Path, schema: str) -> sqlite3.Connection:
    """The database, locked for this process, with the sandbox's tables; DatabaseUnusable when it cannot be."""
    check_file(path)
    try:
        db = sqlite3.connect(str(path), timeout=LOCK_WAIT_SECONDS, check_same_thread=False, isolation_level=None)
    except sqlite3.Error as error:
        raise _unusable(path, str(error)) from error
    try:
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        if not is_sandbox(db):
            raise _unusable(path, f"it is a SQLite database of another application (tables: {sorted(_tables(db))})")
        for statement in schema.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        # A real write now: a read-only file or folder fails here, at start-up, not on a client's first change.
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened-by-pid', ?)", (str(os.getpid()),))
        db.execute("COMMIT")
    except sqlite3.OperationalError as error:
        db.close()
        if "locked" in str(error) or "busy" in str(error):
            raise _busy(path) from error
        raise _unusable(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        db.close()
        raise _unusable(path, str(error)) from error
    except DatabaseUnusable:
        db.close()
        raise
    _write_holder(path)
    return db


def _write_holder(path: Path) -> None:
    note = {"pid": os.getpid(), "command": " ".join(sys.argv) or sys.executable}
    # The note only improves the message a second process gets; the lock itself is SQLite's.
    with contextlib.suppress(OSError):
        holder_path(path).write_text(json.dumps(note), encoding="utf-8")


def release(path: Path) -> None:
    """Forget the holder note (the lock goes with the connection)."""
    try:
        note = json.loads(holder_path(path).read_text(encoding="utf-8"))
        if note.get("pid") == os.getpid():
            holder_path(path).unlink(missing_ok=True)
    except (OSError, ValueError, AttributeError):
        pass


def delete_sandbox_database(path: Path) -> bool:
    """Delete a sandbox database and its side files; refuse any other file. False when there was nothing."""
    if not path.exists():
        return False
    check_file(path)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.Error as error:
        raise _unusable(path, str(error)) from error
    try:
        sandbox = is_sandbox(db)
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise _busy(path) from error
        raise _unusable(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        raise _unusable(path, str(error)) from error
    finally:
        db.close()
    if not sandbox:
        raise DatabaseUnusable(f"{path} is not a sandbox database: --reset deletes only sandbox databases")
    path.unlink()
    for side in side_files(path):
        side.unlink(missing_ok=True)
    return True
