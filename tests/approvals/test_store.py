"""The store contract, run against both backends: SQLite and a real Redis server."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flowtly_mcp.approvals import ApprovalStatus, Ceilings, StateStore, StoreError, open_store, store_from_url
from flowtly_mcp.approvals.models import PendingApproval

from .conftest import PREVIEW

NOW = 1_800_000_000.0


def approval(approval_id: str = "apr_1", created: float = NOW, ttl: float = 900) -> PendingApproval:
    return PendingApproval(
        id=approval_id,
        tool="delete_invoice",
        arguments={"invoice": 7, "nested": {"list": [], "empty": {}}},
        plan={"steps": [], "amount": "10.00"},
        preview=PREVIEW,
        fingerprint="fp",
        channel="pending",
        created_at=created,
        expires_at=created + ttl,
        secret_hash="0" * 64,
    )


def test_an_approval_reads_back_exactly_as_stored(store: StateStore) -> None:
    stored = approval()
    store.put(stored)
    assert store.get("apr_1") == stored
    assert store.get("apr_unknown") is None


def test_list_is_newest_first_and_filters_by_status(store: StateStore) -> None:
    for index in range(3):
        store.put(approval(f"apr_{index}", created=NOW + index))
    store.transition("apr_1", expected=ApprovalStatus.PENDING, new=ApprovalStatus.REJECTED, now=NOW + 5, by="t")
    assert [a.id for a in store.list()] == ["apr_2", "apr_1", "apr_0"]
    assert [a.id for a in store.list(ApprovalStatus.PENDING)] == ["apr_2", "apr_0"]
    assert [a.id for a in store.list(ApprovalStatus.REJECTED)] == ["apr_1"]
    assert [a.id for a in store.list(limit=1)] == ["apr_2"]


def test_transition_moves_only_from_the_expected_status_and_stamps_it(store: StateStore) -> None:
    store.put(approval())
    moved = store.transition(
        "apr_1",
        expected=ApprovalStatus.PENDING,
        new=ApprovalStatus.APPROVED,
        now=NOW + 1,
        by="cli",
        new_expires_at=NOW + 2000,
    )
    assert moved is not None
    assert (moved.status, moved.decided_by, moved.decided_at, moved.expires_at) == (
        ApprovalStatus.APPROVED,
        "cli",
        NOW + 1,
        NOW + 2000,
    )
    assert store.transition("apr_1", expected=ApprovalStatus.PENDING, new=ApprovalStatus.REJECTED, now=NOW + 2) is None
    executed = store.transition("apr_1", expected=ApprovalStatus.APPROVED, new=ApprovalStatus.EXECUTED, now=NOW + 3)
    assert executed is not None and executed.executed_at == NOW + 3 and executed.decided_by == "cli"
    assert store.transition("apr_1", expected=ApprovalStatus.APPROVED, new=ApprovalStatus.EXECUTED, now=NOW + 4) is None
    assert store.transition("apr_x", expected=ApprovalStatus.PENDING, new=ApprovalStatus.APPROVED, now=NOW) is None


def test_transition_refuses_an_expired_approval(store: StateStore) -> None:
    store.put(approval(ttl=60))
    assert store.transition("apr_1", expected=ApprovalStatus.PENDING, new=ApprovalStatus.APPROVED, now=NOW + 60) is None
    current = store.get("apr_1")
    assert current is not None and current.status is ApprovalStatus.PENDING


def test_a_nonce_is_consumed_once(store: StateStore) -> None:
    assert store.consume_nonce("n1", expires_at=NOW + 600, now=NOW) is True
    assert store.consume_nonce("n1", expires_at=NOW + 600, now=NOW + 1) is False
    assert store.consume_nonce("n2", expires_at=NOW + 600, now=NOW) is True


def test_reserve_stays_within_the_day_ceilings(store: StateStore) -> None:
    ceilings = Ceilings(max_count=3, max_amount=Decimal("100.00"))
    assert store.reserve("create_payment", "2026-12-06", Decimal("60.00"), ceilings)
    assert not store.reserve("create_payment", "2026-12-06", Decimal("40.01"), ceilings)
    assert store.reserve("create_payment", "2026-12-06", Decimal("40.00"), ceilings)
    assert store.usage("create_payment", "2026-12-06").amount == Decimal("100.00")
    assert store.reserve("create_payment", "2026-12-06", Decimal("0"), ceilings)
    assert not store.reserve("create_payment", "2026-12-06", Decimal("0"), ceilings)  # fourth call
    usage = store.usage("create_payment", "2026-12-06")
    assert (usage.count, usage.amount) == (3, Decimal("100.00"))
    # Another day and another tool start from zero.
    assert store.usage("create_payment", "2026-12-07").count == 0
    assert store.reserve("update_invoice", "2026-12-06", None, Ceilings(max_count=1))


def test_release_takes_back_one_reserved_call_and_never_goes_below_zero(store: StateStore) -> None:
    ceilings = Ceilings(max_count=2, max_amount=Decimal("100.00"))
    assert store.reserve("create_payment", "2026-12-06", Decimal("60.00"), ceilings)
    assert store.reserve("create_payment", "2026-12-06", Decimal("40.00"), ceilings)
    assert not store.reserve("create_payment", "2026-12-06", Decimal("1.00"), ceilings)
    store.release("create_payment", "2026-12-06", Decimal("60.00"))
    usage = store.usage("create_payment", "2026-12-06")
    assert (usage.count, usage.amount) == (1, Decimal("40.00"))
    assert store.reserve("create_payment", "2026-12-06", Decimal("60.00"), ceilings), "room again after the release"
    for _ in range(4):
        store.release("create_payment", "2026-12-06", Decimal("70.00"))
    usage = store.usage("create_payment", "2026-12-06")
    assert (usage.count, usage.amount) == (0, Decimal("0"))
    store.release("update_invoice", "2026-12-09", None)  # nothing reserved that day: nothing to take back
    assert store.usage("update_invoice", "2026-12-09").count == 0


@pytest.mark.parametrize("url", ["postgres://db/x", "sqlite://relative.db", "http://localhost"])
def test_an_unknown_state_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(StoreError, match="FLOWTLY_STATE_URL must be"):
        store_from_url(url)


def test_an_unreachable_redis_names_the_variable_not_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        store_from_url("redis://:hunter2secret@127.0.0.1:1/0")
    assert "FLOWTLY_STATE_URL" in str(caught.value)
    assert "hunter2secret" not in str(caught.value)


def test_the_default_store_is_a_sqlite_file_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    store = open_store({})
    store.put(approval())
    assert (tmp_path / "flowtly-mcp" / "state.sqlite3").is_file()
    assert open_store({"FLOWTLY_STATE_URL": ""}).get("apr_1") == approval()
    store.close()
