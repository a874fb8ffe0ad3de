"""FA(3) e-invoice XML (KSeF's `Faktura` schema, variant 3, schema version 1-0E) for one invoice.

Only the structure KSeF checks first is reproduced: header, seller (Podmiot1), buyer (Podmiot2), and the `Fa`
section with currency, dates, number, per-rate totals, rows and payment terms. Enough for clients to parse and
preview; not a full implementation of the schema.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flowtly_mcp.sandbox.checksums import compact_nip
from flowtly_mcp.sandbox.money import invoice_totals, row_totals

NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/"
# P_13_x / P_14_x: which totals field carries each VAT rate.
_RATE_SLOTS = {
    "23": "1",
    "22": "1",
    "8": "2",
    "7": "2",
    "5": "3",
    "4": "4",
    "3": "4",
    "0": "6_1",
    "zw": "7",
    "np": "8",
    "oo": "10",
}
_PAYMENT_FORMS = {"cash": "1", "card": "2", "transfer": "6"}


@dataclass
class Party:
    name: str
    tin: str | None = None
    tin_type: str | None = "NIP"
    country: str | None = "PL"
    street: str | None = None
    city: str | None = None
    post_code: str | None = None


@dataclass
class InvoiceData:
    number: str
    kind: str  # VAT, KOR, ...
    currency: str
    issue_date: str
    sale_date: str
    due_date: str | None
    payment_method: str | None
    bank_account: str | None
    seller: Party
    buyer: Party
    rows: list[dict[str, Any]]
    created_at: str
    paid_on: str | None = None
    correction: dict[str, str | None] = field(default_factory=dict)


_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """Text XML 1.0 can carry: control characters a client stored are dropped rather than break the document."""
    return _XML_INVALID.sub("", str(value))


def _add(parent: ET.Element, tag: str, text: object | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)
    if text is not None:
        element.text = xml_text(text)
    return element


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _party(parent: ET.Element, tag: str, party: Party, *, buyer: bool) -> None:
    node = _add(parent, tag)
    ids = _add(node, "DaneIdentyfikacyjne")
    if party.tin and (party.tin_type or "NIP") == "NIP":
        _add(ids, "NIP", compact_nip(party.tin))
    elif party.tin:
        _add(ids, "KodUE", (party.country or "")[:2])
        _add(ids, "NrVatUE", party.tin)
    else:
        _add(ids, "BrakID", 1)
    _add(ids, "Nazwa", party.name)
    if party.street or party.city:
        address = _add(node, "Adres")
        _add(address, "KodKraju", party.country or "PL")
        _add(address, "AdresL1", party.street or "")
        _add(address, "AdresL2", " ".join(part for part in (party.post_code, party.city) if part))
    if buyer:
        _add(node, "JST", 2)
        _add(node, "GV", 2)


def build(data: InvoiceData) -> bytes:
    """The FA(3) document as UTF-8 bytes without a BOM (KSeF rejects a BOM)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}Faktura")
    header = _add(root, "Naglowek")
    _add(header, "KodFormularza", "FA", kodSystemowy="FA (3)", wersjaSchemy="1-0E")
    _add(header, "WariantFormularza", 3)
    _add(header, "DataWytworzeniaFa", data.created_at)
    _add(header, "SystemInfo", "Flowtly")
    _party(root, "Podmiot1", data.seller, buyer=False)
    _party(root, "Podmiot2", data.buyer, buyer=True)
    fa = _add(root, "Fa")
    _add(fa, "KodWaluty", data.currency)
    _add(fa, "P_1", data.issue_date)
    _add(fa, "P_2", data.number)
    _add(fa, "P_6", data.sale_date)
    totals = invoice_totals(data.rows)
    for rate, slot in _RATE_SLOTS.items():
        amounts = totals.by_rate.get(rate)
        if amounts is None:
            continue
        _add(fa, f"P_13_{slot}", _money(amounts.net))
        if slot in ("1", "2", "3", "4"):
            _add(fa, f"P_14_{slot}", _money(amounts.vat))
    _add(fa, "P_15", _money(totals.gross))
    notes = _add(fa, "Adnotacje")
    for tag in ("P_16", "P_17", "P_18", "P_18A"):
        _add(notes, tag, 2)
    exemption = _add(notes, "Zwolnienie")
    _add(exemption, "P_19N", 1)
    _add(_add(notes, "NoweSrodkiTransportu"), "P_22N", 1)
    _add(notes, "P_23", 2)
    _add(_add(notes, "PMarzy"), "P_PMarzyN", 1)
    _add(fa, "RodzajFaktury", data.kind)
    if data.kind.startswith("KOR"):
        _add(fa, "PrzyczynaKorekty", data.correction.get("reason") or "")
        _add(fa, "TypKorekty", 1)
        corrected = _add(fa, "DaneFaKorygowanej")
        _add(corrected, "DataWystFaKorygowanej", data.correction.get("issueDate") or "")
        _add(corrected, "NrFaKorygowanej", data.correction.get("number") or "")
        if data.correction.get("ksefNumber"):
            _add(corrected, "NrKSeF", 1)
            _add(corrected, "NrKSeFFaKorygowanej", data.correction["ksefNumber"])
        else:
            _add(corrected, "NrKSeFN", 1)
    for index, row in enumerate(data.rows, start=1):
        line = _add(fa, "FaWiersz")
        _add(line, "NrWierszaFa", index)
        _add(line, "P_7", row.get("productName") or "")
        _add(line, "P_8A", row.get("unit") or "szt.")
        _add(line, "P_8B", format(Decimal(str(row.get("quantity") or 0)), "f"))
        _add(line, "P_9A", _money(Decimal(str(row.get("netPrice") or 0))))
        _add(line, "P_11", _money(row_totals(row).net))
        _add(line, "P_12", row.get("vatRate") or "zw")
    payment = _add(fa, "Platnosc")
    if data.paid_on:
        _add(payment, "Zaplacono", 1)
        _add(payment, "DataZaplaty", data.paid_on)
    if data.due_date:
        _add(_add(payment, "TerminPlatnosci"), "Termin", data.due_date)
    _add(payment, "FormaPlatnosci", _PAYMENT_FORMS.get(data.payment_method or "transfer", "6"))
    if data.bank_account:
        _add(_add(payment, "RachunekBankowy"), "NrRB", data.bank_account)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")
