"""A sandbox never lies about a write: one process per database, nothing acknowledged is lost, nothing refused
is kept — across a second process, a full disk (RLIMIT_FSIZE) and kill -9, with real child processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flowtly_mcp.sandbox import DatabaseBusy, DatabaseUnusable, Sandbox, SandboxConfig, reset_database

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LIMIT_SECONDS = 60
WRITER = [sys.executable, "-m", "tests.sandbox.durability.writer"]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flowtly_mcp", *args]


def _notes_in(db: Path) -> set[str]:
    box = Sandbox(SandboxConfig(token="t", db_path=db, seed_data=False))
    try:
        return {str(note["id"]) for note in box.store.all("client-notes")}
    finally:
        box.close()


def _outcomes(lines: list[str]) -> tuple[dict[str, str], set[str], list[str]]:
    """(acknowledged number -> id, refused numbers, tried numbers) from the writer's report."""
    acked = {parts[1]: parts[2] for parts in (line.split() for line in lines) if parts[:1] == ["ack"]}
    failed = {parts[1] for parts in (line.split() for line in lines) if parts[:1] == ["fail"]}
    tried = [parts[1] for parts in (line.split() for line in lines) if parts[:1] == ["try"]]
    return acked, failed, tried


def _wait_for_holder(db: Path, pid: int, process: subprocess.Popen[bytes]) -> None:
    holder = db.with_name(db.name + ".holder")
    deadline = time.monotonic() + LIMIT_SECONDS
    while f'"pid": {pid}' not in (holder.read_text() if holder.exists() else ""):
        assert process.poll() is None, "the first sandbox exited"
        assert time.monotonic() < deadline, "the first sandbox did not open its database"
        time.sleep(0.1)


def test_a_second_process_on_the_same_database_is_refused_and_named(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    first = subprocess.Popen(
        _cli("sandbox", "--port", "0", "--db", str(db)), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for_holder(db, first.pid, first)
        second = subprocess.run(
            _cli("sandbox", "--port", "0", "--db", str(db)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=LIMIT_SECONDS,
            check=False,
        )
        assert second.returncode == 2
        assert f"in use by pid {first.pid}" in second.stderr
        assert "sandbox --port 0" in second.stderr  # the holder's command line
        assert "Traceback" not in second.stderr
        embedded = subprocess.run(  # the MCP server with an embedded sandbox on the same file
            _cli("--sandbox", "--sandbox-db", str(db)),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=LIMIT_SECONDS,
            check=False,
        )
        assert embedded.returncode == 2
        assert f"in use by pid {first.pid}" in embedded.stderr
        with pytest.raises(DatabaseBusy, match=f"pid {first.pid}"):
            Sandbox(SandboxConfig(db_path=db))
        with pytest.raises(DatabaseBusy):
            reset_database(db)
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=LIMIT_SECONDS)
    assert db.exists()
    Sandbox(SandboxConfig(db_path=db)).close()  # the holder is gone: the database opens again


def test_a_full_disk_refuses_writes_and_keeps_only_the_acknowledged_ones(tmp_path: Path) -> None:
    db = tmp_path / "full.sqlite3"
    Sandbox(SandboxConfig(token="writer-token", db_path=db, seed_data=False)).close()
    limit = db.stat().st_size + 96 * 1024  # room for a few dozen notes of ~2 KB, then the "disk" is full
    run = subprocess.run(
        [*WRITER, str(db), "80", str(limit)], cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_SECONDS
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    acked, failed, _ = _outcomes(lines)
    assert len(acked) >= 10
    assert len(failed) >= 10  # the limit was reached
    assert "disk I/O error" in run.stderr or "full" in run.stderr
    listed = set(lines[-1].split()[1:])
    assert listed == set(acked.values())  # the running sandbox does not serve refused writes
    assert _notes_in(db) == set(acked.values())  # and after a restart nothing acknowledged is missing


def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "killed.sqlite3"
    Sandbox(SandboxConfig(token="writer-token", db_path=db, seed_data=False)).close()
    writer = subprocess.Popen(
        [*WRITER, str(db), "100000"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert writer.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + LIMIT_SECONDS
    while sum(line.startswith("ack") for line in lines) < 40:
        assert time.monotonic() < deadline, "the writer did not write"
        line = writer.stdout.readline()
        assert line, "the writer stopped"
        lines.append(line.strip())
    os.kill(writer.pid, signal.SIGKILL)
    lines += [line.strip() for line in writer.stdout.read().splitlines()]
    writer.wait(timeout=LIMIT_SECONDS)
    acked, _, tried = _outcomes(lines)
    stored = _notes_in(db)
    assert set(acked.values()) <= stored  # every acknowledged write survived
    unacknowledged = stored - set(acked.values())
    assert len(unacknowledged) <= 1  # at most the one request in flight when the process died
    assert tried[-1] not in acked or not unacknowledged
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reset_deletes_a_sandbox_database_and_refuses_any_other_file(tmp_path: Path) -> None:
    sandbox_db = tmp_path / "sandbox.sqlite3"
    Sandbox(SandboxConfig(db_path=sandbox_db, seed_data=False)).close()
    foreign = tmp_path / "accounts.sqlite3"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    text = tmp_path / "notes.txt"
    text.write_text("not a database")

    refused = subprocess.run(
        _cli("sandbox", "--reset", "--db", str(foreign)), cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2
    assert "not a sandbox database" in refused.stderr
    assert foreign.exists()
    with pytest.raises(DatabaseUnusable, match="not a SQLite database"):
        reset_database(text)
    assert text.exists()

    assert reset_database(sandbox_db) is True
    assert not sandbox_db.exists()
    assert reset_database(sandbox_db) is False


@pytest.mark.parametrize("kind", ["directory", "text-file", "foreign-sqlite", "under-a-file", "read-only-folder"])
def test_an_unusable_database_path_fails_at_start_up_with_a_clear_message(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "db.sqlite3"
    expected = {
        "directory": "is a directory",
        "text-file": "not a SQLite database",
        "foreign-sqlite": "of another application",
        "under-a-file": "is not a folder",
        "read-only-folder": "readonly",
    }[kind]
    if kind == "directory":
        db.mkdir()
    elif kind == "text-file":
        db.write_text("hello")
    elif kind == "foreign-sqlite":
        with sqlite3.connect(db) as other:
            other.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    elif kind == "under-a-file":
        (tmp_path / "file").write_text("x")
        db = tmp_path / "file" / "db.sqlite3"
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        Sandbox(SandboxConfig(db_path=db, seed_data=False)).close()
        tmp_path.chmod(0o500)
    try:
        started = subprocess.run(
            _cli("sandbox", "--port", "0", "--db", str(db)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=LIMIT_SECONDS,
            check=False,
        )
    finally:
        tmp_path.chmod(0o700)
    assert started.returncode == 2, started.stderr
    assert expected in started.stderr
    assert "choose another --db file" in started.stderr
    assert "Traceback" not in started.stderr
