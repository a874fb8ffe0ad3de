"""KSeF state of every invoice: e-invoicing records for what was sent, and purchase invoices received from suppliers.

Older invoices are accepted with a UPO; the newest are partly not sent yet, one is still processing and one only
accepted for processing; invoices to clients without an address were rejected; corrections carry their own number.
"""

from __future__ import annotations

import base64
import random
import re
from datetime import date, timedelta
from typing import Any

from .dates import at_midnight, at_time, next_business_day
from .identifiers import is_valid_nip, ksef_number, random_hex
from .plans import InvoicePlan, SupplierDocument
from .planted_invoices import REJECTION_REASON
from .truth import KsefCorrection, KsefRejection, KsefState
from .world import World, iri

# Receiving e-invoices through KSeF became mandatory for everyone on 1 February 2026.
INBOUND_FROM = date(2026, 2, 1)
_STATUS_CODES = {
    KsefState.ACCEPTED: 100,
    KsefState.PROCESSING: 150,
    KsefState.SUCCESS: 200,
    KsefState.REJECTED: 450,
}
_INBOUND_KEYS = ("sellerName", "sellerTin", "invoiceNumber", "issueDate", "amount", "currency")


def decide_ksef_states(world: World) -> None:
    """Older invoices went through. The newest one is still processing and the one before it only accepted;
    of the rest of the last week's invoices, some have not been sent yet."""
    rng = world.cfg.rng("ksef-states")
    recent_from = world.anchor - timedelta(days=7)
    undecided = [p for p in world.invoices if p.ksef is None]
    for plan in undecided:
        if plan.status == "draft":
            plan.ksef = KsefState.NOT_SENT
    newest = [p for p in undecided if p.ksef is None and not p.planted][-2:]
    for plan, state in zip(reversed(newest), (KsefState.PROCESSING, KsefState.ACCEPTED), strict=False):
        plan.ksef = state
    for plan in undecided:
        if plan.ksef is None:
            recent = plan.issue >= recent_from and not plan.planted
            plan.ksef = KsefState.NOT_SENT if recent and rng.random() < 0.6 else KsefState.SUCCESS
        if plan.ksef is not KsefState.SUCCESS and plan.status == "sent":
            # Clients get the invoice once KSeF has numbered it; until then it is only issued.
            plan.status = "issued"


def emit_e_invoicing(world: World) -> None:
    """One record per sent invoice and per received purchase invoice, ids in order of acquisition."""
    rng = world.cfg.rng("ksef-records")
    pending: list[tuple[str, dict[str, Any], InvoicePlan | None]] = []
    for plan in world.invoices:
        if plan.ksef in (None, KsefState.NOT_SENT):
            continue
        record = _outbound(world, rng, plan)
        pending.append((str(record["acquisitionTimestamp"]), record, plan))
    for document in world.supplier_documents:
        inbound = _inbound(world, rng, document)
        if inbound is not None:
            pending.append((str(inbound["acquisitionTimestamp"]), inbound, None))
    pending.sort(key=lambda item: item[0])
    numbers: dict[int, str] = {}
    for _, record, sent in pending:
        record_id = world.next_id("e-invoicing")
        world.add("e-invoicing", {"id": record_id} | record)
        if sent is None:
            continue
        if sent.ksef is KsefState.REJECTED:
            world.ksef_rejections.append(KsefRejection(sent.id, record_id, 450, REJECTION_REASON))
        if record["einvoicingNumber"]:
            numbers[sent.id] = str(record["einvoicingNumber"])
    for plan in world.invoices:
        if plan.type == "KOR" and plan.parent is not None and plan.id in numbers:
            world.ksef_corrections.append(
                KsefCorrection(plan.id, plan.parent.id, numbers[plan.id], numbers[plan.parent.id])
            )


def _reference_number(rng: random.Random, day: date) -> str:
    return f"{day:%Y%m%d}-EE-{random_hex(rng, 10)}-{random_hex(rng, 10)}-{random_hex(rng, 2)}"


def _document_id(rng: random.Random) -> str:
    raw = random_hex(rng, 32).lower()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _verification_link(rng: random.Random, nip: str, day: date) -> str:
    digest = base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode("ascii").rstrip("=")
    return f"https://qr.ksef.mf.gov.pl/invoice/{nip}/{day:%d-%m-%Y}/{digest}"


def _outbound(world: World, rng: random.Random, plan: InvoicePlan) -> dict[str, Any]:
    state = plan.ksef
    assert state is not None
    sent = plan.issue if rng.random() < 0.7 else next_business_day(plan.issue + timedelta(days=1))
    sent = min(sent, world.anchor)
    nip = world.me.nip
    reference = _reference_number(rng, sent)
    success = state is KsefState.SUCCESS
    number = ksef_number(nip, f"{sent:%Y%m%d}", random_hex(rng, 12)) if success else None
    acquired = at_time(sent, rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59))
    record: dict[str, Any] = {
        "invoice": iri("invoices", plan.id),
        "provider": "ksef",
        "status": state.value,
        "statusCode": _STATUS_CODES[state],
        "referenceNumber": reference,
        "documentId": _document_id(rng),
        "acquisitionTimestamp": acquired,
        "upoUrl": (
            f"https://api.ksef.mf.gov.pl/v2/sessions/{reference}/invoices/ksef/{number}/upo" if success else None
        ),
        "verificationLink": _verification_link(rng, nip, plan.issue) if success else None,
        "rejectionReason": REJECTION_REASON if state is KsefState.REJECTED else None,
        "providerPayload": _status_history(state, acquired),
        "einvoicingNumber": number,
        "direction": "outbound",
    }
    return record | dict.fromkeys(_INBOUND_KEYS)


def _status_history(state: KsefState, acquired: str) -> list[dict[str, Any]] | None:
    """KSeF's answers so far, oldest first; a plain success keeps no history (the UPO is the record)."""
    accepted = {"code": 100, "description": "Faktura przyjęta do dalszego przetwarzania", "at": acquired}
    if state is KsefState.ACCEPTED:
        return [accepted]
    if state is KsefState.PROCESSING:
        return [accepted, {"code": 150, "description": "Trwa przetwarzanie", "at": acquired}]
    if state is KsefState.REJECTED:
        rejected = {
            "code": 450,
            "description": "Błąd weryfikacji semantyki dokumentu faktury",
            "details": ["Brak elementu Podmiot2/Adres."],
            "at": acquired,
        }
        return [accepted, rejected]
    return None


def _compact_nip(tin: str | None) -> str | None:
    if tin is None:
        return None
    digits = re.sub(r"\D", "", tin)
    return digits if is_valid_nip(digits) else None


def _inbound(world: World, rng: random.Random, document: SupplierDocument) -> dict[str, Any] | None:
    """A purchase invoice fetched from KSeF; only Polish suppliers with a valid NIP issue through KSeF."""
    nip = _compact_nip(document.supplier.tin)
    if document.issue < INBOUND_FROM or document.supplier.country != "PL" or nip is None:
        return None
    received = min(next_business_day(document.issue + timedelta(days=rng.randint(0, 2))), world.anchor)
    return {
        "invoice": None,
        "provider": "ksef",
        "status": KsefState.SUCCESS.value,
        "statusCode": 200,
        "referenceNumber": _reference_number(rng, document.issue),
        "documentId": _document_id(rng),
        "acquisitionTimestamp": at_time(received, rng.randint(6, 22), rng.randint(0, 59), rng.randint(0, 59)),
        "upoUrl": None,
        "verificationLink": _verification_link(rng, nip, document.issue),
        "rejectionReason": None,
        "providerPayload": None,
        "einvoicingNumber": ksef_number(nip, f"{document.issue:%Y%m%d}", random_hex(rng, 12)),
        "direction": "inbound",
        "sellerName": document.supplier.name,
        "sellerTin": nip,
        "invoiceNumber": document.number,
        "issueDate": at_midnight(document.issue),
        "amount": document.gross,
        "currency": document.currency,
    }
