"""Matching a batch with the cyclic garbage collector paused.

A batch allocates hundreds of thousands of short-lived objects (title windows, references, candidates, outcomes)
and links none of them in cycles: reference counting frees each as soon as it is dropped. Left running, the cyclic
collector would still stop several hundred times per batch to walk the young objects, and a few times to walk the
whole heap, the index's thousands of invoices included: a quarter to a third of a 10,000-payment batch's time,
spent finding nothing. It is paused for the batch and re-enabled afterwards, if it was enabled, whatever happens.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of the block (nesting is harmless)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
