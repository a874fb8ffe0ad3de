"""FA(3) e-invoice XML (KSeF's `Faktura` schema, variant 3, schema version 1-0E) for one invoice.

The structure KSeF needs: header, seller (Podmiot1), buyer (Podmiot2), and the `Fa` section with currency, dates,
number, per-rate totals, annotations, rows and payment terms. Every document is valid against the official schema
(`fa3_schema.py`); Flowtly's values are written in FA(3)'s vocabulary (`fa3_codes.py`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flowtly_mcp.sandbox.checksums import compact_nip
from flowtly_mcp.sandbox.files.fa3_codes import buyer_id, fa3_rate
from flowtly_mcp.sandbox.money import ZERO, RowTotals, row_totals

NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/"
# P_13_x / P_14_x: which totals field carries each FA(3) rate code, in the schema's order of the fields.
_RATE_SLOTS = {
    "23": "1",
    "22": "1",
    "8": "2",
    "7": "2",
    "5": "3",
    "4": "4",
    "3": "4",
    "0 KR": "6_1",
    "0 WDT": "6_2",
    "0 EX": "6_3",
    "zw": "7",
    "np I": "8",
    "np II": "9",
    "oo": "10",
}
_SLOT_ORDER = ("1", "2", "3", "4", "6_1", "6_2", "6_3", "7", "8", "9", "10")
_TAXED_SLOTS = ("1", "2", "3", "4")
# The legal basis printed for exempt (zw) rows: the general exemption list of the VAT act.
_EXEMPTION_BASIS = "art. 43 ust. 1 ustawy o VAT"
_UNKNOWN_ADDRESS = "adres nieznany"
# FA(3) documents exist from this moment on (the schema's lower bound of DataWytworzeniaFa).
FA3_IN_FORCE = datetime(2025, 9, 1, tzinfo=UTC)
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


def _seller_ids(ids: ET.Element, party: Party) -> None:
    _add(ids, "NIP", compact_nip(party.tin or ""))


def _buyer_ids(ids: ET.Element, party: Party) -> None:
    found = buyer_id(party.tin, party.tin_type, party.country)
    if found.nip is not None:
        _add(ids, "NIP", found.nip)
    elif found.eu_country is not None:
        _add(ids, "KodUE", found.eu_country)
        _add(ids, "NrVatUE", found.eu_number)
    elif found.other_id is not None:
        if found.country:
            _add(ids, "KodKraju", found.country)
        _add(ids, "NrID", found.other_id)
    else:
        _add(ids, "BrakID", 1)


def _party(parent: ET.Element, tag: str, party: Party, *, buyer: bool) -> None:
    node = _add(parent, tag)
    ids = _add(node, "DaneIdentyfikacyjne")
    (_buyer_ids if buyer else _seller_ids)(ids, party)
    _add(ids, "Nazwa", party.name)
    if party.street or party.city:
        address = _add(node, "Adres")
        _add(address, "KodKraju", party.country or "PL")
        _add(address, "AdresL1", party.street or party.city or "")
        second_line = " ".join(part for part in (party.post_code, party.city) if part)
        if second_line:
            _add(address, "AdresL2", second_line)
    elif not buyer:
        # The seller's address is required. Inbound invoices are rebuilt from KSeF metadata, which has none
        # (nor has a hand-made organization without an address): say so rather than invent one.
        address = _add(node, "Adres")
        _add(address, "KodKraju", party.country or "PL")
        _add(address, "AdresL1", _UNKNOWN_ADDRESS)
    if buyer:
        _add(node, "JST", 2)
        _add(node, "GV", 2)


def _creation_moment(created_at: str) -> str:
    """When the file was made; a sandbox whose calendar lies before FA(3) took effect dates it on that day."""
    try:
        moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(moment, FA3_IN_FORCE).isoformat().replace("+00:00", "Z")


def build(data: InvoiceData) -> bytes:
    """The FA(3) document as UTF-8 bytes without a BOM (KSeF rejects a BOM)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}Faktura")
    header = _add(root, "Naglowek")
    _add(header, "KodFormularza", "FA", kodSystemowy="FA (3)", wersjaSchemy="1-0E")
    _add(header, "WariantFormularza", 3)
    _add(header, "DataWytworzeniaFa", _creation_moment(data.created_at))
    _add(header, "SystemInfo", "Flowtly")
    _party(root, "Podmiot1", data.seller, buyer=False)
    _party(root, "Podmiot2", data.buyer, buyer=True)
    fa = _add(root, "Fa")
    _add(fa, "KodWaluty", data.currency)
    _add(fa, "P_1", data.issue_date)
    _add(fa, "P_2", data.number)
    _add(fa, "P_6", data.sale_date)
    codes = [fa3_rate(str(row.get("vatRate") or "zw"), data.buyer.country) for row in data.rows]
    slots: dict[str, RowTotals] = {}
    gross = ZERO
    for row, code in zip(data.rows, codes, strict=True):
        amounts = row_totals(row)
        slot = _RATE_SLOTS.get(code, "7")
        previous = slots.get(slot, RowTotals(ZERO, ZERO))
        slots[slot] = RowTotals(previous.net + amounts.net, previous.vat + amounts.vat)
        gross += amounts.net + amounts.vat
    for slot in _SLOT_ORDER:
        if slot in slots:
            _add(fa, f"P_13_{slot}", _money(slots[slot].net))
            if slot in _TAXED_SLOTS:
                _add(fa, f"P_14_{slot}", _money(slots[slot].vat))
    _add(fa, "P_15", _money(gross))
    notes = _add(fa, "Adnotacje")
    _add(notes, "P_16", 2)
    _add(notes, "P_17", 2)
    _add(notes, "P_18", 1 if "oo" in codes else 2)  # reverse charge: the buyer accounts for the VAT
    _add(notes, "P_18A", 2)
    exemption = _add(notes, "Zwolnienie")
    if "zw" in codes:
        _add(exemption, "P_19", 1)
        _add(exemption, "P_19A", _EXEMPTION_BASIS)
    else:
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
    for index, (row, code) in enumerate(zip(data.rows, codes, strict=True), start=1):
        line = _add(fa, "FaWiersz")
        _add(line, "NrWierszaFa", index)
        _add(line, "P_7", row.get("productName") or "")
        _add(line, "P_8A", row.get("unit") or "szt.")
        _add(line, "P_8B", format(Decimal(str(row.get("quantity") or 0)), "f"))
        _add(line, "P_9A", _money(Decimal(str(row.get("netPrice") or 0))))
        _add(line, "P_11", _money(row_totals(row).net))
        _add(line, "P_12", code)
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
