"""KSeF downloads: FA(3) XML, invoice PDFs, UPO receipts, for outbound and inbound invoices, one or zipped."""

from __future__ import annotations

from decimal import Decimal

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.errors import ApiError, not_found
from flowtly_mcp.sandbox.files import archive, fa3, pdf, upo
from flowtly_mcp.sandbox.protocol import Call, Reply, file_reply
from flowtly_mcp.sandbox.query import Query
from flowtly_mcp.sandbox.rules import ksef_state
from flowtly_mcp.sandbox.rules.invoices import rows_of
from flowtly_mcp.sandbox.rules.ksef_document import day as _day
from flowtly_mcp.sandbox.rules.ksef_document import invoice_data, organization_party
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

XML = "application/xml"


def _safe(name: object) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in str(name or "invoice"))


def invoice_xml(world: World, invoice: Record) -> bytes:
    if invoice.get("status") == "draft":
        raise ApiError(409, f'Invoice "{invoice.get("name")}" is a draft: issue it before downloading its e-invoice.')
    return fa3.build(invoice_data(world, invoice))


def download_xml(call: Call) -> Reply:
    invoice = crud.find_or_404(call.world, "invoices", call.path_id)
    return file_reply(invoice_xml(call.world, invoice), XML, f"{_safe(invoice.get('name'))}.xml")


def _pdf(world: World, invoice: Record, *, preview: bool) -> bytes:
    view = world.view("invoices", invoice)
    client = world.find("clients", str(invoice.get("client") or "").rsplit("/", 1)[-1]) or {}
    state = ksef_state.outbound_record(world, invoice)
    lines = [
        f"Seller: {world.organization().get('name')}  NIP {world.organization().get('tin')}",
        f"Buyer: {client.get('name', '')}  {invoice.get('tinType') or ''} {invoice.get('tin') or ''}",
        f"Issue date: {_day(invoice.get('issueDate'))}   Sale date: {_day(invoice.get('saleDate'))}   "
        f"Due date: {_day(invoice.get('dueDate'))}",
        "",
    ]
    for index, row in enumerate(rows_of(world, invoice), start=1):
        row_view = world.view("invoice-rows", row)
        lines.append(
            f"{index}. {row.get('productName')}  {row.get('quantity')} {row.get('unit') or ''} x {row.get('netPrice')}"
            f"  VAT {row.get('vatRate')}  net {row_view['netAmount']}  gross {row_view['grossAmount']}"
        )
    currency = invoice.get("currency") or "PLN"
    lines += [
        "",
        f"Total net: {view['amountNet']} {currency}",
        f"Total VAT: {Decimal(view['amount']) - Decimal(view['amountNet'])} {currency}",
        f"Total gross: {view['amount']} {currency}",
        f"Status: {view['status']}",
    ]
    if state is not None and state.get("einvoicingNumber"):
        lines.append(f"KSeF: {state['einvoicingNumber']}")
    title = f"{'PREVIEW - ' if preview else ''}Invoice {invoice.get('name')}"
    return pdf.build(title, lines)


def download_pdf(call: Call) -> Reply:
    invoice = crud.find_or_404(call.world, "invoices", call.path_id)
    if invoice.get("status") == "draft":
        raise ApiError(409, f'Invoice "{invoice.get("name")}" is a draft: use the preview PDF.')
    return file_reply(_pdf(call.world, invoice, preview=False), "application/pdf", f"{_safe(invoice.get('name'))}.pdf")


def download_preview_pdf(call: Call) -> Reply:
    invoice = crud.find_or_404(call.world, "invoices", call.path_id)
    content = _pdf(call.world, invoice, preview=True)
    return file_reply(content, "application/pdf", f"{_safe(invoice.get('name'))}-preview.pdf")


def download_upo(call: Call) -> Reply:
    world = call.world
    invoice = crud.find_or_404(world, "invoices", call.path_id)
    state = ksef_state.outbound_record(world, invoice)
    if state is None:
        raise not_found()
    if state.get("status") != "success":
        raise ApiError(409, f"No UPO yet: the KSeF {ksef_state.describe(state)}.")
    receipt = upo.Receipt(
        session_reference=ksef_state.session_reference(state),
        seller_nip=str(world.organization().get("tin") or ""),
        ksef_number=str(state["einvoicingNumber"]),
        invoice_number=str(invoice.get("name") or ""),
        issue_date=_day(invoice.get("issueDate")),
        sent_at=str(state.get("_sentAt") or state.get("acquisitionTimestamp") or ""),
        registered_at=str(state.get("acquisitionTimestamp") or ""),
        invoice_xml=fa3.build(invoice_data(world, invoice)),
    )
    return file_reply(upo.build(receipt), XML, f"UPO-{state['einvoicingNumber']}.xml")


def _inbound(world: World, record_id: str) -> Record:
    state = crud.find_or_404(world, "e-invoicing", record_id)
    if state.get("direction") != "inbound":
        raise not_found()
    return state


def inbound_xml_bytes(world: World, state: Record) -> bytes:
    """Inbound invoices are known by their KSeF metadata; the XML is rebuilt from it as one summarizing row."""
    gross = Decimal(str(state.get("amount") or 0))
    net = (gross / Decimal("1.23")).quantize(Decimal("0.01"))
    data = fa3.InvoiceData(
        number=str(state.get("invoiceNumber") or ""),
        kind="VAT",
        currency=str(state.get("currency") or "PLN"),
        issue_date=_day(state.get("issueDate")),
        sale_date=_day(state.get("issueDate")),
        due_date=None,
        payment_method="transfer",
        bank_account=None,
        seller=fa3.Party(name=str(state.get("sellerName") or ""), tin=state.get("sellerTin")),
        buyer=organization_party(world),
        rows=[{"productName": "Zakup", "unit": "szt.", "quantity": Decimal(1), "netPrice": net, "vatRate": "23"}],
        created_at=str(state.get("acquisitionTimestamp") or world.timestamp()),
    )
    return fa3.build(data)


def inbound_xml(call: Call) -> Reply:
    state = _inbound(call.world, call.path_id)
    return file_reply(inbound_xml_bytes(call.world, state), XML, f"{state.get('einvoicingNumber') or state['id']}.xml")


def inbound_upo(call: Call) -> Reply:
    world = call.world
    state = _inbound(world, call.path_id)
    receipt = upo.Receipt(
        session_reference=str(state.get("referenceNumber") or ""),
        seller_nip=str(state.get("sellerTin") or ""),
        ksef_number=str(state.get("einvoicingNumber") or ""),
        invoice_number=str(state.get("invoiceNumber") or ""),
        issue_date=_day(state.get("issueDate")),
        sent_at=str(state.get("acquisitionTimestamp") or ""),
        registered_at=str(state.get("acquisitionTimestamp") or ""),
        invoice_xml=inbound_xml_bytes(world, state),
    )
    return file_reply(upo.build(receipt), XML, f"UPO-{state.get('einvoicingNumber') or state['id']}.xml")


def requested_ids(query: Query) -> list[str]:
    raw = query.get("ids")
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    ids = [str(value).rsplit("/", 1)[-1] for value in values if isinstance(value, str) and value]
    if not ids:
        raise ApiError(400, 'Query parameter "ids[]" is required.')
    return ids


def download_many_xml(call: Call) -> Reply:
    world = call.world
    files: list[tuple[str, bytes]] = []
    for record_id in requested_ids(call.query):
        invoice = crud.find_or_404(world, "invoices", record_id)
        files.append((f"{_safe(invoice.get('name'))}.xml", invoice_xml(world, invoice)))
    return file_reply(archive.build(files), "application/zip", "e-invoices.zip")


def download_many_inbound_xml(call: Call) -> Reply:
    world = call.world
    files: list[tuple[str, bytes]] = []
    for record_id in requested_ids(call.query):
        state = _inbound(world, record_id)
        files.append((f"{_safe(state.get('einvoicingNumber') or state['id'])}.xml", inbound_xml_bytes(world, state)))
    return file_reply(archive.build(files), "application/zip", "inbound-e-invoices.zip")
