"""At most once across processes: many processes race for the same approval or nonce; exactly one wins."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

from flowtly_mcp.approvals import ApprovalService, store_from_url

from . import racers
from .conftest import new_ticket

PROCESSES = 8


def race(target: Callable[..., None], *args: Any) -> list[tuple[str, Any]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [context.Process(target=target, args=(*args, barrier, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return outcomes


def test_one_process_of_many_consumes_an_approval(state_url: str) -> None:
    store = store_from_url(state_url)
    service = ApprovalService(store)
    ticket = new_ticket(service)
    service.decide(ticket.id, "approve", by="test")

    outcomes = race(racers.consume_once, state_url, ticket.id)

    winners = [detail for outcome, detail in outcomes if outcome == "won"]
    assert winners == [ticket.approval.plan]
    assert all("already carried out" in detail for outcome, detail in outcomes if outcome == "lost")
    assert service.get(ticket.id).status.value == "executed"
    store.close()


def test_racing_approve_and_reject_leaves_exactly_one_decision(state_url: str) -> None:
    store = store_from_url(state_url)
    service = ApprovalService(store)
    ticket = new_ticket(service)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(
            target=racers.decide_once, args=(state_url, ticket.id, "approve" if i % 2 else "reject", barrier, results)
        )
        for i in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)

    winners = [decision for outcome, decision in outcomes if outcome == "won"]
    assert len(winners) == 1
    final = service.get(ticket.id)
    assert final.status.value == {"approve": "approved", "reject": "rejected"}[winners[0]]
    assert final.decided_by == f"racer-{winners[0]}"
    store.close()


def test_one_process_of_many_consumes_a_nonce(state_url: str) -> None:
    outcomes = race(racers.consume_nonce_once, state_url, "nonce-5f2a", time.time() + 600)
    assert sorted(outcome for outcome, _ in outcomes) == ["lost"] * (PROCESSES - 1) + ["won"]


def test_a_day_ceiling_holds_when_processes_race_for_it(state_url: str) -> None:
    outcomes = race(racers.reserve_once, state_url)
    assert sorted(outcome for outcome, _ in outcomes) == ["lost"] * (PROCESSES - 3) + ["won"] * 3
    store = store_from_url(state_url)
    assert store.usage("create_payment", "2026-12-06").count == 3
    store.close()
