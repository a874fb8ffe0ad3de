"""Parser for Polish split-payment (MPP) transfer titles.

A split payment carries a fixed-structure title: ``/VAT/23,00/IDC/5231242681/INV/FV/2026/10/0012/TXT/free text``.
The invoice number may itself contain slashes, so the ``/INV/`` field runs until ``/TXT/`` or the end of the title.
Banks and people vary case and spacing, and some banks put words before the structured part; all of that is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .identifiers import compact_nip
from .money import parse_optional_amount

_MARKER = re.compile(r"\s*/\s*(VAT|IDC|INV|TXT)\s*/\s*", re.IGNORECASE)
# After a field starts, only the fields that may follow it end it: a slash-rich invoice number ends only at TXT.
_FOLLOWERS = {"VAT": ("IDC", "INV", "TXT"), "IDC": ("INV", "TXT"), "INV": ("TXT",), "TXT": ()}


@dataclass(frozen=True, slots=True)
class MppTitle:
    """The fields of a split-payment title; a field the title leaves out is None."""

    vat_amount: Decimal | None
    nip: str | None
    invoice_number: str | None
    text: str | None


def parse_mpp(title: str | None) -> MppTitle | None:
    """Read a split-payment title; None when the title is not one (it needs ``/VAT/`` and ``/IDC/`` or ``/INV/``)."""
    # Every split-payment title has a /VAT/ field, and most titles have no "vat" at all: those need no parsing.
    if not title or "vat" not in title.casefold():
        return None
    markers = [(m.group(1).upper(), m.start(), m.end()) for m in _MARKER.finditer(title)]
    start = next((i for i, (name, _, _) in enumerate(markers) if name == "VAT"), None)
    if start is None:
        return None
    fields: dict[str, str] = {}
    current, value_start = "VAT", markers[start][2]
    for name, begin, end in markers[start + 1 :]:
        if name not in _FOLLOWERS[current]:
            continue
        fields[current] = title[value_start:begin]
        current, value_start = name, end
    fields[current] = title[value_start:]
    if "IDC" not in fields and "INV" not in fields:
        return None
    return MppTitle(
        vat_amount=_vat_amount(fields.get("VAT")),
        nip=_clean(compact_nip(fields["IDC"])) if "IDC" in fields else None,
        invoice_number=_clean(fields.get("INV", "").strip().strip("/").strip()),
        text=_clean(fields.get("TXT", "").strip()),
    )


def _vat_amount(raw: str | None) -> Decimal | None:
    try:
        return parse_optional_amount(raw)
    except ValueError:
        # A garbled VAT field does not make the other fields any less useful.
        return None


def _clean(value: str) -> str | None:
    return value or None
