"""Worker functions for the race tests: each runs in its own process, opens the store itself and tries once."""

from __future__ import annotations

from typing import Any

from flowtly_mcp.approvals import ApprovalError, ApprovalService, store_from_url


def consume_once(url: str, approval_id: str, barrier: Any, results: Any) -> None:
    store = store_from_url(url)
    service = ApprovalService(store)
    barrier.wait(timeout=60)
    try:
        results.put(("won", service.consume(approval_id).plan))
    except ApprovalError as exc:
        results.put(("lost", str(exc)))
    finally:
        store.close()


def decide_once(url: str, approval_id: str, decision: str, barrier: Any, results: Any) -> None:
    store = store_from_url(url)
    service = ApprovalService(store)
    barrier.wait(timeout=60)
    try:
        service.decide(approval_id, "approve" if decision == "approve" else "reject", by=f"racer-{decision}")
        results.put(("won", decision))
    except ApprovalError as exc:
        results.put(("lost", str(exc)))
    finally:
        store.close()


def consume_nonce_once(url: str, nonce: str, expires_at: float, barrier: Any, results: Any) -> None:
    store = store_from_url(url)
    barrier.wait(timeout=60)
    results.put(("won" if ApprovalService(store).consume_nonce(nonce, expires_at=expires_at) else "lost", nonce))
    store.close()


def reserve_once(url: str, barrier: Any, results: Any) -> None:
    from decimal import Decimal

    from flowtly_mcp.approvals import Ceilings

    store = store_from_url(url)
    barrier.wait(timeout=60)
    ok = store.reserve("create_payment", "2026-12-06", Decimal("10.00"), Ceilings(max_count=3))
    results.put(("won" if ok else "lost", "reserve"))
    store.close()
