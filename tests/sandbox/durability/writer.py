"""A child process that writes client notes into a sandbox database and reports each outcome on stdout.

`python -m tests.sandbox.durability.writer DB COUNT [FSIZE_LIMIT_BYTES]`: prints `try N` before each request and
`ack N ID` after a 201 or `fail N STATUS` after an error, one JSON-free line each, flushed, so a parent that
kills this process knows exactly which writes were acknowledged. With a size limit, the database file may not grow
past it (RLIMIT_FSIZE), as on a full disk; at the end it prints `listed ID ...`: the notes the running sandbox serves.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path

from flowtly_mcp.sandbox import Sandbox, SandboxConfig

HEADERS = {"authorization": "Bearer writer-token", "content-type": "application/ld+json", "accept": "application/json"}
NOTE_TEXT = "Called about the overdue invoice; promised to pay next week. " * 30  # ~2 KB: the file grows fast


def main() -> int:
    db, count = Path(sys.argv[1]), int(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    sandbox = Sandbox(SandboxConfig(token="writer-token", db_path=db, seed_data=False))
    client = _ensure_client(sandbox)
    if limit is not None:
        # A write past the limit fails with EFBIG instead of killing the process (SIGXFSZ's default action).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    for number in range(count):
        _report(f"try {number}")
        body = {"client": client, "employee": "/api/employees/emp_1", "note": f"#{number} {NOTE_TEXT}"}
        status, _, content = sandbox.handle("POST", "/client-notes", "", HEADERS, json.dumps(body).encode())
        if status == 201:
            _report(f"ack {number} {json.loads(content)['id']}")
        else:
            _report(f"fail {number} {status}")
    status, _, content = sandbox.handle("GET", "/client-notes", "itemsPerPage=100000", HEADERS, b"")
    listed = [note["id"] for note in json.loads(content)] if status == 200 else []
    _report("listed " + " ".join(listed))
    sandbox.close()
    return 0


def _report(line: str) -> None:
    """One line to the parent, written through at once: the parent may kill this process any moment."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _ensure_client(sandbox: Sandbox) -> str:
    existing = sandbox.store.all("clients")
    if existing:
        return f"/api/clients/{existing[0]['id']}"
    body = {"name": "Acme", "country": "PL", "currency": "/api/currencies/PLN", "status": "active", "tinType": "NONE"}
    status, _, content = sandbox.handle("POST", "/clients", "", HEADERS, json.dumps(body).encode())
    assert status == 201, content
    return f"/api/clients/{json.loads(content)['id']}"


if __name__ == "__main__":
    sys.exit(main())
