"""Invoice actions: drafts, the next number for a date, and sending invoices to clients by e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation, not_found
from flowtly_mcp.sandbox.handlers.common import records_of, required_iris
from flowtly_mcp.sandbox.protocol import Call, Reply
from flowtly_mcp.sandbox.resources.billing import INVOICES
from flowtly_mcp.sandbox.rules.numbering import next_invoice_name
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def list_drafts(call: Call) -> Reply:
    drafts = [view for view in call.world.views("invoices") if view.get("status") == "draft"]
    return crud.collection_reply(call, INVOICES, drafts, collection_iri="/api/invoices/draft")


def next_name(call: Call) -> Reply:
    text = call.params["date"]
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        raise not_found() from None
    name = next_invoice_name(call.world, day)
    return Reply(
        200,
        {
            "@context": "/api/contexts/InvoiceName",
            "@id": f"/api/invoices/name/{text}",
            "@type": "InvoiceName",
            "name": name,
            "date": day.isoformat(),
        },
    )


def recipient_of(world: World, invoice: Record) -> str | None:
    """Where an invoice goes: the client's billing contact, else its primary one, else any contact with an e-mail."""
    contacts = world.related("client-contacts", "client", str(invoice.get("client")))
    for wanted in ("billing", "primary", None):
        for contact in contacts:
            if contact.get("email") and (wanted is None or contact.get("type") == wanted):
                return str(contact["email"])
    return None


def sending_document(world: World, invoice: Record) -> dict[str, Any]:
    sending = invoice.get("_sending") or {}
    recipient = sending.get("recipient") or recipient_of(world, invoice)
    return {
        "@context": "/api/contexts/InvoiceSending",
        "@id": f"/api/invoices/{invoice['id']}/send",
        "@type": "InvoiceSending",
        "invoice": INVOICES.iri(invoice["id"]),
        "invoiceStatus": world.view("invoices", invoice).get("status"),
        "sent": bool(sending.get("sentAt")),
        "recipient": recipient,
        "subject": sending.get("subject") or f"Faktura {invoice.get('name')}",
        "message": sending.get("message"),
        "sentAt": sending.get("sentAt"),
        "sendCount": int(sending.get("count") or 0),
    }


def send_status(call: Call) -> Reply:
    invoice = crud.find_or_404(call.world, "invoices", call.path_id)
    return Reply(200, sending_document(call.world, invoice))


def send_one(call: Call) -> Reply:
    world = call.world
    invoice = crud.find_or_404(world, "invoices", call.path_id)
    body = call.json_or_empty()
    if not isinstance(body, dict):
        raise ApiError(400, "The input data is misformatted.")
    updated = deliver(world, invoice, body)
    return Reply(200, sending_document(world, updated))


def deliver(world: World, invoice: Record, body: dict[str, Any]) -> Record:
    """E-mail an issued invoice to the client: issued → sent. Drafts are refused."""
    if invoice.get("status") == "draft":
        raise ValidationFailed([Violation("status", "A draft invoice cannot be sent; issue it first.")])
    recipient = body.get("email") if isinstance(body.get("email"), str) else recipient_of(world, invoice)
    if not recipient:
        raise ValidationFailed(
            [Violation("email", 'The client has no contact e-mail: pass "email" or add a billing contact.')]
        )
    previous = invoice.get("_sending") or {}
    sending = {
        "recipient": recipient,
        "subject": body.get("subject") if isinstance(body.get("subject"), str) else f"Faktura {invoice.get('name')}",
        "message": body.get("message") if isinstance(body.get("message"), str) else None,
        "sentAt": world.timestamp(),
        "count": int(previous.get("count") or 0) + 1,
    }
    updated = dict(invoice, status="sent", _sending=sending)
    return world.store.replace("invoices", updated)


def send_many(call: Call) -> Reply:
    world = call.world
    body = call.json()
    iris = required_iris(world, body, "invoices", "invoices")
    results: list[dict[str, Any]] = []
    for invoice in records_of(world, "invoices", iris):
        try:
            updated = deliver(world, invoice, {})
            results.append({"invoice": INVOICES.iri(invoice["id"]), "sent": True, "recipient": sending_of(updated)})
        except ValidationFailed as failure:
            results.append(
                {"invoice": INVOICES.iri(invoice["id"]), "sent": False, "reason": failure.violations[0].message}
            )
    return Reply(200, batch_document("InvoiceSendBatch", "/api/invoices/send", results, "sent"))


def sending_of(invoice: Record) -> str | None:
    sending = invoice.get("_sending") or {}
    return sending.get("recipient")


def batch_document(entity: str, iri: str, results: list[dict[str, Any]], flag: str) -> dict[str, Any]:
    succeeded = sum(1 for result in results if result.get(flag))
    return {
        "@context": f"/api/contexts/{entity}",
        "@id": iri,
        "@type": entity,
        "total": len(results),
        "succeeded": succeeded,
        "failed": len(results) - succeeded,
        "results": results,
    }
