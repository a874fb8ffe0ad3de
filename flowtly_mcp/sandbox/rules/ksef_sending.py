"""Sending invoices to KSeF: the guards (no drafts, no double sending, no future issue dates), sessions,
and the e-invoicing record each sent invoice gets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation
from flowtly_mcp.sandbox.rules import ksef_state
from flowtly_mcp.sandbox.rules.invoices import as_date, invoice_iri
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

SESSIONS = "ksef-sessions"  # kept in the store, not served as a family
SESSION_HOURS = 12
FORM_CODE = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}


def open_session(world: World) -> Record:
    moment = world.now()
    number = world.store.count(SESSIONS) + 1
    reference = ksef_state.reference_number("SO", f"session-{number}-{moment.isoformat()}", moment.date().isoformat())
    session: Record = {
        "id": reference,
        "referenceNumber": reference,
        "validUntil": (moment + timedelta(hours=SESSION_HOURS)).isoformat(),
        "status": {"code": 100, "description": "Sesja interaktywna otwarta"},
        "formCode": dict(FORM_CODE),
        "createdAt": moment.isoformat(),
    }
    return world.store.insert(SESSIONS, session)


def session_document(session: Record) -> dict[str, Any]:
    return {
        "@context": "/api/contexts/KsefSession",
        "@id": f"/api/e-invoicing/ksef/session/{session['referenceNumber']}",
        "@type": "KsefSession",
        "referenceNumber": session["referenceNumber"],
        "validUntil": session["validUntil"],
        "status": session["status"],
        "formCode": session["formCode"],
    }


def current_session(world: World) -> Record:
    """The latest session still valid, or a new one (Flowtly opens sessions as needed)."""
    sessions = world.store.all(SESSIONS)
    now = world.now().isoformat()
    if sessions and str(sessions[-1]["validUntil"]) > now:
        return sessions[-1]
    return open_session(world)


def check_sendable(world: World, invoice: Record) -> None:
    """Refuse what KSeF must not receive: drafts, invoices already there, issue dates in the future."""
    if invoice.get("status") == "draft":
        raise ValidationFailed([Violation("status", "A draft invoice cannot be sent to KSeF; issue it first.")])
    state = ksef_state.outbound_record(world, invoice)
    if state is not None and ksef_state.locks_invoice(state):
        raise ApiError(
            409,
            f'Invoice "{invoice.get("name")}" was already sent to KSeF ({ksef_state.describe(state)}, '
            f"reference {state.get('referenceNumber')}).",
        )
    issued = as_date(invoice.get("issueDate"))
    if issued is not None and issued > world.today:
        raise ValidationFailed(
            [Violation("issueDate", "The issue date (P_1) cannot be later than the day KSeF receives the invoice.")]
        )


def send(world: World, invoice: Record) -> Record:
    """Hand the invoice to KSeF: a new (or renewed, after a rejection) outbound record, status accepted."""
    check_sendable(world, invoice)
    session = current_session(world)
    moment = world.now()
    previous = ksef_state.outbound_record(world, invoice)
    attempt = int((previous or {}).get("_attempt") or 0) + 1
    reference = ksef_state.reference_number(
        "EE", f"{session['referenceNumber']}|{invoice['id']}|{attempt}", moment.date().isoformat()
    )
    state: Record = {
        "id": previous["id"] if previous else world.store.next_id("e-invoicing", None),
        "invoice": invoice_iri(invoice),
        "provider": "ksef",
        "direction": "outbound",
        "status": "accepted",
        "statusCode": 100,
        "referenceNumber": reference,
        "documentId": f"{invoice['id']}-{attempt}",
        "acquisitionTimestamp": None,
        "upoUrl": None,
        "verificationLink": None,
        "rejectionReason": None,
        "providerPayload": [
            {
                "code": 100,
                "description": ksef_state.STATUS_DESCRIPTIONS[100],
                "at": moment.isoformat(),
                "sessionReferenceNumber": session["referenceNumber"],
            }
        ],
        "einvoicingNumber": None,
        "invoiceNumber": invoice.get("name"),
        "issueDate": invoice.get("issueDate"),
        "currency": invoice.get("currency"),
        "_reads": 0,
        "_attempt": attempt,
        "_session": session["referenceNumber"],
        "_sentAt": moment.isoformat(),
    }
    if previous:
        world.store.replace("e-invoicing", state)
    else:
        world.store.insert("e-invoicing", state)
    if world.config.ksef_steps <= 0:
        state = world.store.replace("e-invoicing", ksef_state.conclude(world, state))
    return state
