"""The KSeF state machine of one outbound invoice, advanced by reads, as KSeF processes asynchronously.

A sent invoice starts `accepted` (100); each later read of the invoice or its e-invoicing state moves it on:
`processing` (150) until `ksef_steps` reads have happened, then `success` (200, with a KSeF number and UPO) or
`rejected` (440 duplicate number; 450 when the FA(3) document fails the official schema, or a semantic error
such as a buyer without an address).
"""

from __future__ import annotations

import hashlib
from typing import Any

from flowtly_mcp.sandbox.checksums import crc8, ksef_number
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

IN_FLIGHT = ("accepted", "processing")
STATUS_CODES = {"accepted": 100, "processing": 150, "success": 200}
STATUS_DESCRIPTIONS = {
    100: "Faktura przyjęta do dalszego przetwarzania",
    150: "Trwa przetwarzanie",
    200: "Sukces",
    440: "Duplikat faktury",
    450: "Błąd weryfikacji semantyki dokumentu faktury",
}


def payload_entries(state: Record) -> list[dict[str, Any]]:
    """The record's KSeF status history (`providerPayload` is an array of KSeF status answers)."""
    payload = state.get("providerPayload")
    return [entry for entry in payload if isinstance(entry, dict)] if isinstance(payload, list) else []


def with_entry(state: Record, entry: dict[str, Any]) -> list[dict[str, Any]]:
    return [*payload_entries(state), entry]


def session_reference(state: Record) -> str:
    """The interactive session the invoice went through (recorded when sent; seed records lack it)."""
    return str(state.get("_session") or state.get("referenceNumber") or "")


def invoice_iri_of(invoice: Record) -> str:
    return f"/api/invoices/{invoice['id']}"


def outbound_record(world: World, invoice: Record) -> Record | None:
    """The invoice's outbound e-invoicing record (the latest one), if it was ever sent to KSeF."""
    records = [
        r
        for r in world.related("e-invoicing", "invoice", invoice_iri_of(invoice))
        if r.get("direction") in ("outbound", None)
    ]
    return records[-1] if records else None


def locks_invoice(state: Record) -> bool:
    """Sent and not rejected: KSeF has it (or is processing it), so only a correction may change it."""
    return state.get("status") in (*IN_FLIGHT, "success")


def describe(state: Record) -> str:
    number = state.get("einvoicingNumber")
    return f"status {state.get('status')}, KSeF number {number}" if number else f"status {state.get('status')}"


def reference_number(kind: str, seed: str, day: str) -> str:
    """A 36-character KSeF reference number: `YYYYMMDD-XX-10HEX-10HEX-CC`."""
    digest = hashlib.sha256(seed.encode()).hexdigest().upper()
    body = f"{day.replace('-', '')}-{kind}-{digest[:10]}-{digest[10:20]}"
    return f"{body}-{crc8(body.encode('ascii')):02X}"


def advance_for_invoice(world: World, invoice: Record) -> None:
    state = outbound_record(world, invoice)
    if state is not None:
        advance(world, state)


def advance(world: World, state: Record) -> Record:
    """Count one read of an in-flight record and move it on when KSeF would have."""
    if state.get("status") not in IN_FLIGHT:
        return state
    reads = int(state.get("_reads") or 0) + 1
    updated = dict(state, _reads=reads)
    if reads >= world.config.ksef_steps:
        updated = conclude(world, updated)
    elif updated.get("status") != "processing":
        entry = {"code": 150, "description": STATUS_DESCRIPTIONS[150], "at": world.timestamp()}
        updated.update(status="processing", statusCode=150, providerPayload=with_entry(state, entry))
    return world.store.replace("e-invoicing", updated)


def conclude(world: World, state: Record) -> Record:
    """KSeF's verdict: reject duplicates and semantically invalid invoices, otherwise assign the KSeF number."""
    invoice = world.find("invoices", str(state.get("invoice", "")).rsplit("/", 1)[-1])
    if invoice is None:
        return dict(state, status="rejected", statusCode=450, rejectionReason="Faktura nie istnieje.")
    invalid = _schema_failure(world, invoice)
    if invalid is not None:
        return _rejected_as_invalid(world, state, invalid)
    duplicate = _accepted_duplicate(world, invoice)
    if duplicate is not None:
        return dict(
            state,
            status="rejected",
            statusCode=440,
            rejectionReason=f"Duplikat faktury: numer {invoice.get('name')} został już przyjęty "
            f"(KSeF {duplicate.get('einvoicingNumber')}).",
            providerPayload=with_entry(
                state,
                {
                    "code": 440,
                    "description": STATUS_DESCRIPTIONS[440],
                    "at": world.timestamp(),
                    "extensions": {
                        "originalKsefNumber": duplicate.get("einvoicingNumber"),
                        "originalSessionReferenceNumber": session_reference(duplicate),
                    },
                },
            ),
        )
    problem = _semantic_problem(world, invoice)
    if problem is not None:
        return _rejected_as_invalid(world, state, [problem])
    seller_nip = str(world.organization().get("tin") or "")
    moment = world.now()
    hex12 = hashlib.sha256(f"{state.get('referenceNumber')}|{invoice['id']}".encode()).hexdigest()[:12].upper()
    number = ksef_number(seller_nip, moment.date().isoformat(), hex12)
    entry = {"code": 200, "description": STATUS_DESCRIPTIONS[200], "at": moment.isoformat(), "ksefNumber": number}
    return dict(
        state,
        status="success",
        statusCode=200,
        einvoicingNumber=number,
        acquisitionTimestamp=moment.isoformat(),
        upoUrl=f"/api/e-invoicing/invoices/{invoice['id']}/download/upo",
        verificationLink=f"https://qr-test.ksef.mf.gov.pl/invoice/{seller_nip}/{moment.date():%d-%m-%Y}/{hex12}",
        rejectionReason=None,
        providerPayload=with_entry(state, entry),
    )


def _rejected_as_invalid(world: World, state: Record, details: list[str]) -> Record:
    entry = {"code": 450, "description": STATUS_DESCRIPTIONS[450], "at": world.timestamp(), "details": details}
    return dict(
        state,
        status="rejected",
        statusCode=450,
        rejectionReason=details[0],
        providerPayload=with_entry(state, entry),
    )


def _schema_failure(world: World, invoice: Record) -> list[str] | None:
    """KSeF verifies the file first: what the FA(3) schema rejects in the invoice's document, as KSeF words it."""
    from flowtly_mcp.sandbox.files import fa3
    from flowtly_mcp.sandbox.files.fa3_schema import schema_problems
    from flowtly_mcp.sandbox.rules.ksef_document import invoice_data

    problems = schema_problems(fa3.build(invoice_data(world, invoice)))
    if not problems:
        return None
    return [
        f"Błąd weryfikacji pliku faktury: dokument niezgodny ze schematem FA(3) (1-0E): {problem}"
        for problem in problems
    ]


def _accepted_duplicate(world: World, invoice: Record) -> Record | None:
    """Another invoice with the same number (and type) that KSeF already accepted: KSeF's duplicate key."""
    for other in world.store.all("invoices"):
        if other["id"] == invoice["id"] or other.get("name") != invoice.get("name"):
            continue
        if other.get("type") != invoice.get("type"):
            continue
        state = outbound_record(world, other)
        if state is not None and state.get("status") == "success":
            return state
    return None


def _semantic_problem(world: World, invoice: Record) -> str | None:
    client = world.find("clients", str(invoice.get("client", "")).rsplit("/", 1)[-1])
    if client is None:
        return "Brak danych nabywcy (Podmiot2)."
    if not (client.get("addressStreetLine") and client.get("addressCity")):
        return "Brak adresu nabywcy (Podmiot2/Adres/AdresL1): the buyer has no address."
    return None
