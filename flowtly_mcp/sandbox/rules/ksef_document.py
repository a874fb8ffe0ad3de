"""The FA(3) data of one outbound invoice: seller, buyer, rows, dates, payment and correction details.

Used for the XML clients download and for the document KSeF verifies when it processes a sent invoice.
"""

from __future__ import annotations

from flowtly_mcp.sandbox.files import fa3
from flowtly_mcp.sandbox.rules import ksef_state
from flowtly_mcp.sandbox.rules.invoices import as_date, rows_of
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def day(value: object) -> str:
    """An ISO date (YYYY-MM-DD) from a stored date-time, or "" when there is none."""
    parsed = as_date(value)
    return parsed.isoformat() if parsed else ""


def organization_party(world: World) -> fa3.Party:
    org = world.organization()
    return fa3.Party(
        name=str(org.get("name") or ""),
        tin=org.get("tin"),
        street=" ".join(str(org.get(k)) for k in ("addressStreetLine", "addressBuildingNumber") if org.get(k)) or None,
        city=org.get("addressCity"),
        post_code=org.get("addressPostCode"),
        country=org.get("addressCountry") or "PL",
    )


def invoice_data(world: World, invoice: Record) -> fa3.InvoiceData:
    client = world.find("clients", str(invoice.get("client") or "").rsplit("/", 1)[-1]) or {}
    street = " ".join(str(client.get(k)) for k in ("addressStreetLine", "addressBuildingNumber") if client.get(k))
    buyer = fa3.Party(
        name=str(client.get("name") or ""),
        tin=invoice.get("tin") or client.get("tin"),
        tin_type=invoice.get("tinType") or client.get("tinType"),
        country=invoice.get("tinCountry") or client.get("country") or "PL",
        street=street or None,
        city=client.get("addressCity"),
        post_code=client.get("addressPostCode"),
    )
    correction: dict[str, str | None] = {}
    parent = (
        world.find("invoices", str(invoice.get("parent") or "").rsplit("/", 1)[-1]) if invoice.get("parent") else None
    )
    if parent is not None:
        parent_state = ksef_state.outbound_record(world, parent)
        correction = {
            "reason": invoice.get("correctionReason"),
            "issueDate": day(parent.get("issueDate")),
            "number": parent.get("name"),
            "ksefNumber": (parent_state or {}).get("einvoicingNumber"),
        }
    view = world.view("invoices", invoice)
    payments = world.related("invoice-transactions", "invoice", f"/api/invoices/{invoice['id']}")
    paid_on = (
        day(max(str(p.get("date") or "") for p in payments)) if view.get("status") == "paid" and payments else None
    )
    return fa3.InvoiceData(
        number=str(invoice.get("name") or ""),
        kind=str(invoice.get("type") or "VAT"),
        currency=str(invoice.get("currency") or "PLN"),
        issue_date=day(invoice.get("issueDate")),
        sale_date=day(invoice.get("saleDate") or invoice.get("issueDate")),
        due_date=day(invoice.get("dueDate")) or None,
        payment_method=invoice.get("paymentMethod"),
        bank_account=invoice.get("bankAccount"),
        seller=organization_party(world),
        buyer=buyer,
        rows=rows_of(world, invoice),
        # A document sent to KSeF was made when it was sent: every later download (and the UPO's hash of it) gives
        # the same bytes, as KSeF keeps the document it received.
        created_at=str(
            (ksef_state.outbound_record(world, invoice) or {}).get("_sentAt")
            or world.now().isoformat().replace("+00:00", "Z")
        ),
        paid_on=paid_on or None,
        correction=correction,
    )
