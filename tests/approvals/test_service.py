"""The approval life cycle through `ApprovalService`: what approves, what does not, and exactly-once execution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from flowtly_mcp.approvals import (
    ApprovalExpired,
    ApprovalNotApproved,
    ApprovalNotPending,
    ApprovalService,
    ApprovalStatus,
    BadApprovalSecret,
    UnknownApproval,
)

from .conftest import PREVIEW, Clock, new_ticket


def test_a_request_stores_the_plan_and_hides_the_secret(service: ApprovalService) -> None:
    ticket = new_ticket(service)
    stored = service.get(ticket.id)
    assert stored.status is ApprovalStatus.PENDING
    assert stored.preview == PREVIEW
    assert stored.plan == {"method": "DELETE", "path": "/api/invoices/7", "if_fingerprint": "fp-7"}
    assert ticket.secret not in stored.model_dump_json()
    assert len(ticket.secret) >= 40 and ticket.page_path() == f"/approvals/{ticket.id}/{ticket.secret}"


def test_nothing_runs_before_a_person_approves(service: ApprovalService) -> None:
    ticket = new_ticket(service)
    with pytest.raises(ApprovalNotApproved, match="still waiting for a person"):
        service.consume(ticket.id)
    # Every string the model was given, tried as a secret, approves nothing.
    for guess in (ticket.id, "fp-7", "approve", ticket.approval.secret_hash):
        with pytest.raises(BadApprovalSecret):
            service.decide_with_secret(ticket.id, guess, "approve", by="page")
    assert service.get(ticket.id).status is ApprovalStatus.PENDING


def test_approved_runs_exactly_once(service: ApprovalService) -> None:
    ticket = new_ticket(service)
    approved = service.decide_with_secret(ticket.id, ticket.secret, "approve", by="page")
    assert (approved.status, approved.decided_by) == (ApprovalStatus.APPROVED, "page")
    assert service.consume(ticket.id).plan == ticket.approval.plan
    with pytest.raises(ApprovalNotApproved, match="already carried out"):
        service.consume(ticket.id)
    assert service.get(ticket.id).status is ApprovalStatus.EXECUTED


def test_rejected_never_runs_and_the_decision_cannot_change(service: ApprovalService) -> None:
    ticket = new_ticket(service)
    service.decide(ticket.id, "reject", by="cli")
    with pytest.raises(ApprovalNotApproved, match="rejected"):
        service.consume(ticket.id)
    with pytest.raises(ApprovalNotPending, match="already rejected by cli"):
        service.decide(ticket.id, "approve", by="cli")


def test_expired_approvals_can_be_neither_decided_nor_run(service: ApprovalService, clock: Clock) -> None:
    late = new_ticket(service)
    clock.now += service.ttl_seconds
    with pytest.raises(ApprovalExpired, match="expired"):
        service.decide(late.id, "approve", by="cli")
    with pytest.raises(ApprovalExpired, match="expired before anyone decided"):
        service.consume(late.id)

    unused = new_ticket(service)
    service.decide(unused.id, "approve", by="cli")
    clock.now += service.execute_window_seconds
    with pytest.raises(ApprovalExpired, match="not used in time"):
        service.consume(unused.id)


def test_approval_restarts_the_window_to_run(service: ApprovalService, clock: Clock) -> None:
    ticket = new_ticket(service)
    clock.now += service.ttl_seconds - 1
    service.decide(ticket.id, "approve", by="cli")
    clock.now += service.execute_window_seconds - 1
    assert service.consume(ticket.id).status is ApprovalStatus.EXECUTED


def test_unknown_ids_say_where_to_look(service: ApprovalService) -> None:
    with pytest.raises(UnknownApproval, match="approvals list"):
        service.get("apr_nope")
    with pytest.raises(UnknownApproval):
        service.consume("apr_nope")
    with pytest.raises(UnknownApproval):
        service.decide_with_secret("apr_nope", "x", "approve", by="page")


def test_arguments_and_plan_are_stored_as_canonical_exact_json(service: ApprovalService) -> None:
    ticket = service.request(
        tool="create_payment",
        arguments={"z": 1, "amount": Decimal("1234.50"), "date": dt.date(2026, 12, 6)},
        plan={"body": {"amount": Decimal("0.10")}},
        preview=PREVIEW,
        fingerprint="fp",
        channel="pending",
    )
    stored = service.get(ticket.id)
    assert list(stored.arguments) == ["amount", "date", "z"]
    assert stored.arguments == {"amount": "1234.50", "date": "2026-12-06", "z": 1}
    assert stored.plan == {"body": {"amount": "0.10"}}
