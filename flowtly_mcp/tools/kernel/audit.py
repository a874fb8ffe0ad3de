"""The audit trail: every write, whatever its outcome, appended as one JSON line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from flowtly_mcp.api.redact import redact

logger = logging.getLogger("flowtly_mcp.audit")

_SECRET_WORDS = ("password", "secret", "token", "authorization", "apikey", "api_key")
REDACTED = "[redacted]"


def redact_arguments(value: Any) -> Any:
    """Arguments with every secret-looking key's value replaced, and known credentials masked inside any text."""
    if isinstance(value, Mapping):
        return {
            k: REDACTED if any(w in str(k).lower() for w in _SECRET_WORDS) else redact_arguments(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_arguments(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


class AuditLog:
    """Appends to a file when one is configured; always keeps the last events in memory for inspection."""

    def __init__(self, path: Path | None, *, keep: int = 1000) -> None:
        self.path = path
        self.recent: list[dict[str, Any]] = []
        self._keep = keep
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def record(
        self,
        *,
        tool: str,
        outcome: str,
        operations: list[str],
        target: str | None,
        arguments: Mapping[str, Any],
        detail: str | None = None,
        confirmed: bool | None = None,
    ) -> None:
        event: dict[str, Any] = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "tool": tool,
            "outcome": outcome,
            "operations": operations,
            "target": target,
            "arguments": redact_arguments(dict(arguments)),
        }
        if detail:
            event["detail"] = redact(detail)
        if confirmed is not None:
            # False: a guarded action ran without a person's approval (FLOWTLY_CONFIRM=off, or a rules-based policy).
            event["confirmed"] = confirmed
        line = json.dumps(event, default=_default, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self.recent.append(event)
            del self.recent[: -self._keep]
            if self.path is not None:
                try:
                    with self.path.open("a", encoding="utf-8") as handle:
                        handle.write(line + "\n")
                except OSError as exc:
                    # A full disk must not turn a finished write into a reported failure; it is logged loudly.
                    logger.error("could not append to the audit log %s: %s", self.path, exc)
