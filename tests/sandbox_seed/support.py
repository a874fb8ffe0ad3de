"""Independent arithmetic and normalization for checking the seed data (written apart from the generator)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Dataset = dict[str, list[dict[str, Any]]]
RATES = {"23": Decimal("0.23"), "8": Decimal("0.08"), "5": Decimal("0.05"), "0": Decimal(0), "zw": Decimal(0)}
IRI = re.compile(r"^/api/([a-z-]+)/([^/]+)$")
LEGAL_FORMS = re.compile(
    r"\b(sp z o o|spolka z ograniczona odpowiedzialnoscia|s a|spolka akcyjna|sp j|sp k|gmbh( co kg)?|ag|s r o|a s|"
    r"sas|sarl|sa)\b"
)


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def invoice_gross(data: Dataset) -> dict[int, Decimal]:
    """Gross per invoice id: per row, net = qty × price − discount and VAT = net × rate, each rounded half-up."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for row in data["invoice-rows"]:
        net = round_cents(row["quantity"] * row["netPrice"] - row["netDiscountAmount"])
        totals[iri_id(row["invoice"])] += net + round_cents(net * RATES[row["vatRate"]])
    return dict(totals)


def invoice_paid(data: Dataset) -> dict[int, Decimal]:
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for applied in data["invoice-transactions"]:
        paid[iri_id(applied["invoice"])] += applied["amount"]
    return dict(paid)


def open_amounts(data: Dataset) -> dict[int, Decimal]:
    """Open amount of every issued VAT invoice (drafts and corrections excluded)."""
    gross, paid = invoice_gross(data), invoice_paid(data)
    return {
        invoice["id"]: gross[invoice["id"]] - paid.get(invoice["id"], Decimal(0))
        for invoice in data["invoices"]
        if invoice["status"] != "draft" and invoice["type"] == "VAT"
    }


def iri_id(value: str) -> int:
    match = IRI.match(value)
    assert match, value
    return int(match.group(2))


def by_id(data: Dataset, family: str) -> dict[Any, dict[str, Any]]:
    return {record["id"]: record for record in data[family]}


def compact_tin(tin: str | None) -> str | None:
    if tin is None:
        return None
    compact = re.sub(r"[\s-]", "", tin).upper()
    return compact[2:] if compact.startswith("PL") else compact


def normalize_name(name: str) -> str:
    """Casefolded ASCII words with the legal form removed."""
    folded = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L")).encode("ascii", "ignore")
    words = " ".join(re.findall(r"[a-z0-9]+", folded.decode("ascii").lower()))
    return " ".join(LEGAL_FORMS.sub(" ", words).split())


def crc8_bitwise(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc
