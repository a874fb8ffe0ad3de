"""What an FA(2)/FA(3) e-invoice says about itself: number, seller, issue date, gross total and currency.

Flowtly publishes an inbound e-invoice's KSeF metadata but not its number, seller or amount; the FA document KSeF
holds (downloadable for every inbound invoice) states them, so they are read from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

from .money import parse_optional_amount
from .wire import parse_date


@dataclass(frozen=True, slots=True)
class FaSummary:
    number: str | None
    seller_name: str | None
    seller_nip: str | None
    issued: date | None
    gross: Decimal | None
    currency: str | None


def fa_summary(xml: bytes) -> FaSummary | None:
    """The summary of an FA document, whatever its namespace; None when it is not XML."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    seller = _child(root, "Podmiot1")
    header = _child(root, "Fa")

    def text(parent: ElementTree.Element | None, *path: str) -> str | None:
        node = parent
        for name in path:
            node = _child(node, name) if node is not None else None
        value = (node.text or "").strip() if node is not None else ""
        return value or None

    try:
        gross = parse_optional_amount(text(header, "P_15"))
    except ValueError:
        gross = None
    return FaSummary(
        number=text(header, "P_2"),
        seller_name=text(seller, "DaneIdentyfikacyjne", "Nazwa"),
        seller_nip=text(seller, "DaneIdentyfikacyjne", "NIP"),
        issued=parse_date(text(header, "P_1")),
        gross=gross,
        currency=text(header, "KodWaluty"),
    )


def _child(parent: ElementTree.Element, name: str) -> ElementTree.Element | None:
    return next((child for child in parent if child.tag.rsplit("}", 1)[-1] == name), None)
