"""Whether a call may have changed anything: the writes it sent that Flowtly may have applied.

A policy's day counters are reserved before a guarded call runs; a call that failed with no change reaching Flowtly
gives its reservation back. A write may have been applied when it was answered 2xx or 5xx, or when its connection
failed once the request could have gone out; it was not when Flowtly refused it (any 4xx) or no connection was made.
The ledger follows the call's task (a context variable), so concurrent calls on the shared client keep apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpx2

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class WriteLedger:
    """The writes of one call that Flowtly may have applied."""

    possibly_applied: int = 0

    @property
    def changed_nothing(self) -> bool:
        return self.possibly_applied == 0


# Faults that happen before a request can leave this process.
_NEVER_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_CURRENT: ContextVar[WriteLedger | None] = ContextVar("flowtly_write_ledger", default=None)


@contextmanager
def watching_writes() -> Iterator[WriteLedger]:
    """Count the writes the code inside may have applied (nothing outside a `with` is counted)."""
    ledger = WriteLedger()
    token = _CURRENT.set(ledger)
    try:
        yield ledger
    finally:
        _CURRENT.reset(token)


def note_answer(method: str, status: int) -> None:
    """A write answered `status`: a 4xx means Flowtly refused it, anything else may have applied it."""
    if method in WRITE_METHODS and not 400 <= status < 500:
        _note()


def note_fault(method: str, fault: httpx2.TransportError) -> None:
    """A write whose connection failed: unapplied only when no connection was made (or none was free)."""
    if method in WRITE_METHODS and not isinstance(fault, _NEVER_SENT):
        _note()


def _note() -> None:
    ledger = _CURRENT.get()
    if ledger is not None:
        ledger.possibly_applied += 1
