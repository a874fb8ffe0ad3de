"""KSeF actions: sessions, sending (one or many), corrections, inbound sync and queueing."""

from __future__ import annotations

from typing import Any

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.documents import document
from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation
from flowtly_mcp.sandbox.handlers.common import job_reply, records_of, required_iris, text_field
from flowtly_mcp.sandbox.handlers.invoices import batch_document
from flowtly_mcp.sandbox.money import to_decimal
from flowtly_mcp.sandbox.protocol import Call, Reply, created
from flowtly_mcp.sandbox.resources.billing import E_INVOICING, INVOICES
from flowtly_mcp.sandbox.rules import ksef_sending, ksef_state
from flowtly_mcp.sandbox.rules.invoices import as_date, midnight, rows_of
from flowtly_mcp.sandbox.rules.numbering import next_invoice_name
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.validation import parse_datetime


def open_session(call: Call) -> Reply:
    session = ksef_sending.open_session(call.world)
    return created(ksef_sending.session_document(session))


def send_one(call: Call) -> Reply:
    world = call.world
    invoice = crud.find_or_404(world, "invoices", call.path_id)
    state = ksef_sending.send(world, invoice)
    return Reply(202, document(world, "e-invoicing", state))


def send_many(call: Call) -> Reply:
    world = call.world
    iris = required_iris(world, call.json(), "invoices", "invoices")
    results: list[dict[str, Any]] = []
    for invoice in records_of(world, "invoices", iris):
        iri = INVOICES.iri(invoice["id"])
        try:
            state = ksef_sending.send(world, invoice)
            results.append(
                {
                    "invoice": iri,
                    "accepted": True,
                    "eInvoicing": E_INVOICING.iri(state["id"]),
                    "referenceNumber": state["referenceNumber"],
                    "status": state["status"],
                }
            )
        except ApiError as error:
            results.append({"invoice": iri, "accepted": False, "status": error.status, "reason": error.detail})
        except ValidationFailed as failure:
            results.append({"invoice": iri, "accepted": False, "status": 422, "reason": failure.violations[0].message})
    return Reply(202, batch_document("EInvoiceSendBatch", "/api/e-invoices/send", results, "accepted"))


def read_state(call: Call) -> Reply:
    """`GET /e-invoicing/{id}`: one e-invoicing record; reading an in-flight one moves KSeF processing on."""
    world = call.world
    state = crud.find_or_404(world, "e-invoicing", call.path_id)
    state = ksef_state.advance(world, state)
    return Reply(200, document(world, "e-invoicing", state))


def correct(call: Call) -> Reply:
    """A KOR invoice for an invoice KSeF registered, sent to KSeF at once. Without rows it corrects to zero."""
    world = call.world
    original = crud.find_or_404(world, "invoices", call.path_id)
    body = call.json_or_empty()
    if not isinstance(body, dict):
        raise ApiError(400, "The input data is misformatted.")
    reason = text_field(body, "correctionReason", required=True)
    state = ksef_state.outbound_record(world, original)
    if state is None or not state.get("einvoicingNumber"):
        raise ValidationFailed(
            [
                Violation(
                    "invoice",
                    "The original invoice has no KSeF number yet: a correction can be sent only after "
                    "KSeF registers the original.",
                )
            ]
        )
    rows = body.get("invoiceRows")
    if rows is None:
        rows = [_negated(row) for row in rows_of(world, original)]
    crud_body: dict[str, Any] = {
        "client": original.get("client"),
        "type": "KOR",
        "parent": INVOICES.iri(original["id"]),
        "status": "issued",
        "correctionReason": reason,
        "currency": original.get("currency"),
        "issueDate": midnight(world.today),
        "saleDate": original.get("saleDate"),
        "dueDate": midnight(world.today),
        "paymentMethod": original.get("paymentMethod"),
        "invoiceRows": rows,
        "name": next_invoice_name(world, world.today, "KOR"),
    }
    correction = crud.create_record(world, INVOICES, crud_body)
    ksef_sending.send(world, correction)
    return created(document(world, "invoices", world.find("invoices", correction["id"]) or correction))


def _negated(row: Record) -> dict[str, Any]:
    """A row that cancels `row`: same goods and price, negative quantity (correction to zero)."""
    return {
        "productName": row.get("productName"),
        "unit": row.get("unit"),
        "quantity": -to_decimal(row.get("quantity")),
        "vatRate": row.get("vatRate"),
        "netPrice": format(to_decimal(row.get("netPrice")), "f"),
        "netDiscountAmount": format(-to_decimal(row.get("netDiscountAmount")), "f"),
        "parentInvoiceRow": f"/api/invoice-rows/{row['id']}",
    }


def inbound_sync(call: Call) -> Reply:
    """Inbound (purchase) invoices KSeF holds for us, issued between dateFrom and dateTo."""
    world = call.world
    body = call.json_or_empty()
    if not isinstance(body, dict):
        raise ApiError(400, "The input data is misformatted.")
    found: list[Violation] = []
    bounds = []
    for key in ("dateFrom", "dateTo"):
        value = body.get(key)
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if value is None:
            found.append(Violation(key, "This value should not be blank.", "c1051bb4-d103-4f74-8988-acbcafc7fdc3"))
        elif parsed is None:
            found.append(Violation(key, "This value is not a valid datetime."))
        bounds.append(parsed)
    if found:
        raise ValidationFailed(found)
    low, high = bounds[0].date(), bounds[1].date()  # type: ignore[union-attr]
    inbound = [
        view
        for view in world.views("e-invoicing")
        if view.get("direction") == "inbound" and _within(view.get("issueDate"), low, high)
    ]
    return crud.collection_reply(call, E_INVOICING, inbound, collection_iri="/api/e-invoicing/invoices/inbound")


def _within(value: Any, low: Any, high: Any) -> bool:
    day = as_date(value)
    return day is not None and low <= day <= high


def inbound_queue(call: Call) -> Reply:
    world = call.world
    pending = sum(1 for r in world.store.all("e-invoicing") if r.get("direction") == "inbound")
    return job_reply(world, "ksef-inbound-sync", "/api/e-invoicing/invoices/inbound", {"knownInbound": pending})
