"""UPO (Urzędowe Poświadczenie Odbioru): KSeF's receipt confirming an invoice was registered."""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from flowtly_mcp.sandbox.files.fa3 import xml_text

NAMESPACE = "http://upo.schematy.mf.gov.pl/KSeF/v4-3"


@dataclass
class Receipt:
    session_reference: str
    seller_nip: str
    ksef_number: str
    invoice_number: str
    issue_date: str
    sent_at: str
    registered_at: str
    invoice_xml: bytes


def build(receipt: Receipt) -> bytes:
    ET.register_namespace("", NAMESPACE)

    def add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
        if text is not None:
            element.text = xml_text(text)
        return element

    root = ET.Element(f"{{{NAMESPACE}}}Potwierdzenie")
    add(root, "NazwaPodmiotuPrzyjmujacego", "Ministerstwo Finansów")
    add(root, "NumerReferencyjnySesji", receipt.session_reference)
    authentication = add(root, "Uwierzytelnienie")
    context = add(authentication, "IdKontekstu")
    add(context, "Nip", receipt.seller_nip)
    add(root, "OpisPotwierdzenia", "Poświadczenie odbioru dokumentu elektronicznego (środowisko testowe sandbox)")
    document = add(root, "Dokument")
    add(document, "NipSprzedawcy", receipt.seller_nip)
    add(document, "NumerKSeFDokumentu", receipt.ksef_number)
    add(document, "NumerFaktury", receipt.invoice_number)
    add(document, "DataWystawieniaFaktury", receipt.issue_date)
    add(document, "DataPrzeslaniaDokumentu", receipt.sent_at)
    add(document, "DataNadaniaNumeruKSeF", receipt.registered_at)
    add(document, "SkrotDokumentu", base64.b64encode(hashlib.sha256(receipt.invoice_xml).digest()).decode("ascii"))
    add(document, "TrybWysylki", "Online")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")
