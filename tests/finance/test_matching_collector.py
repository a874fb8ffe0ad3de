"""Matching a batch pauses the cyclic garbage collector, and always leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from flowtly_mcp.finance.matching import MatchIndex, reconcile_all
from flowtly_mcp.finance.matching.collector import collector_paused

from .builders import CONFIGURED_ACCOUNTS, invoice, transaction


def test_the_collector_is_paused_inside_and_running_again_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner pause does not end the outer one"
    assert gc.isenabled()


def test_a_collector_disabled_by_the_application_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_restarts_the_collector() -> None:
    with pytest.raises(ValueError, match="boom"), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_indexing_and_matching_a_batch_leave_the_collector_running() -> None:
    index = MatchIndex.build([invoice(1, "FV/2026/10/0001", "100.00")], accounts=CONFIGURED_ACCOUNTS)
    plan = reconcile_all([transaction("t1", "100.00", "Zapłata FV/2026/10/0001")], index)
    assert plan.counts["auto"] == 1
    assert gc.isenabled()
