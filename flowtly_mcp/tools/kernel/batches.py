"""Reading the answer of a bulk action into a `BatchResult` that says plainly what was done and what was not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.results import BatchResult
from flowtly_mcp.tools.kernel.shaping import compact_record, plain


def _reason(entry: Mapping[str, Any]) -> str:
    return str(entry.get("reason") or entry.get("message") or entry.get("error") or "no reason given")


def _who(entry: Mapping[str, Any]) -> str:
    for key in ("invoice", "transaction", "id"):
        if entry.get(key) is not None:
            return f"{key} {entry[key]}"
    return "a record"


def batch_result(answer: Any, record_ids: Sequence[str], *, done_flag: str, verb: str) -> BatchResult:
    """The per-record outcome of a bulk call; raises when not a single record was done (nothing changed)."""
    raw = answer.get("results") if isinstance(answer, Mapping) else answer
    if not isinstance(raw, list):
        return BatchResult(
            total=len(record_ids),
            succeeded=len(record_ids),
            failed=0,
            results=[{"id": record_id} for record_id in record_ids],
            message=f"Flowtly accepted all {len(record_ids)} without per-record details.",
        )
    entries = [plain(compact_record(entry)) for entry in raw if isinstance(entry, Mapping)]
    done = [entry for entry in entries if entry.get(done_flag)]
    failed = [entry for entry in entries if not entry.get(done_flag)]
    reasons = "; ".join(f"{_who(e)}: {_reason(e)}" for e in failed)
    if entries and not done:
        raise ToolRefused(f"Nothing was {verb}: {reasons}.")
    message = f"{len(done)} of {len(entries)} {verb}; not {verb}: {reasons}." if failed else None
    return BatchResult(total=len(entries), succeeded=len(done), failed=len(failed), results=entries, message=message)
