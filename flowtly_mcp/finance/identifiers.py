"""Identifiers that finance records are matched on: NIP, EU VAT numbers, IBAN, KSeF numbers and invoice numbers.

Every function here compacts its input first (spaces, dashes, dots, case, country prefix), so values typed by
people and values sent by banks compare equal. Checksums come from python-stdnum; the KSeF CRC-8 is not in any
library and is computed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import ModuleType

# KSeF accepts only NIPs of this shape; it rejects e.g. 0000000000 even though its checksum is right.
_KSEF_NIP_PATTERN = re.compile(r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$")
_NIP_SEPARATORS = re.compile(r"[\s\-.]")
_IBAN_SEPARATORS = re.compile(r"[\s\-.]")
_KSEF_NUMBER_PATTERN = re.compile(r"^(\d{10})-(\d{8})-([0-9A-F]{12})-([0-9A-F]{2})$")
# Letter runs and digit runs: the parts of an invoice number once separators are dropped.
RUN_PATTERN = re.compile(r"\d+|[^\W\d_]+")


# python-stdnum is imported on first use: a server that validates nothing (answering tools/list) never pays for it.
@cache
def _nip() -> ModuleType:
    from stdnum.pl import nip

    return nip


@cache
def _vat() -> ModuleType:
    from stdnum.eu import vat

    return vat


@cache
def _iban() -> ModuleType:
    from stdnum import iban

    return iban


def compact_nip(value: str) -> str:
    """Strip spaces, dashes, dots and a ``PL`` prefix from a NIP; the result is not validated."""
    compact = _NIP_SEPARATORS.sub("", value).upper()
    return compact[2:] if compact.startswith("PL") else compact


def is_valid_nip(value: str) -> bool:
    """True when the value is a Polish NIP with a correct checksum that KSeF would accept."""
    compact = compact_nip(value)
    return bool(_KSEF_NIP_PATTERN.match(compact)) and bool(_nip().is_valid(compact))


def normalize_nip(value: str | None) -> str | None:
    """The 10-digit NIP when the value is a valid one, else None."""
    if not value:
        return None
    compact = compact_nip(value)
    return compact if is_valid_nip(compact) else None


def compact_vat(value: str) -> str:
    """Compact an EU VAT number (uppercase, no separators); Greece is written EL, as VIES and KSeF do."""
    compact = str(_vat().compact(value)).upper()
    return "EL" + compact[2:] if compact.startswith("GR") else compact


def is_valid_eu_vat(value: str) -> bool:
    """True when the value is an EU VAT number (country prefix included) with a correct checksum."""
    try:
        return bool(_vat().is_valid(compact_vat(value)))
    except Exception:  # stdnum raises assorted errors for unknown prefixes; any of them means "not valid"
        return False


def tax_key(value: str | None, country: str | None = None) -> str | None:
    """One comparable key for a tax identifier written as a NIP or as an EU VAT number.

    A valid Polish NIP becomes ``PL`` + 10 digits whether or not it carried the prefix, so ``PL 527-318-02-97``,
    ``5273180297`` and ``PL5273180297`` share a key. Other EU VAT numbers keep their compact form; ``country``
    supplies the prefix when the number is written without one. None when the value is not a valid identifier.
    """
    if not value or not value.strip():
        return None
    compact = _NIP_SEPARATORS.sub("", value).upper()
    if compact[:2].isalpha():
        prefix = compact[:2]
    else:
        prefix = (country or "PL").strip().upper()
        compact = prefix + compact
    if prefix == "PL":
        nip = normalize_nip(compact)
        return "PL" + nip if nip else None
    try:
        vat = compact_vat(compact)
    except Exception:  # stdnum refuses unknown prefixes ("XX123"): such a value is simply not a tax identifier
        return None
    return vat if is_valid_eu_vat(vat) else None


def compact_iban(value: str) -> str:
    """Uppercase an account number without separators; a 26-digit Polish NRB gains its ``PL`` prefix."""
    compact = _IBAN_SEPARATORS.sub("", value).upper()
    return "PL" + compact if len(compact) == 26 and compact.isdigit() else compact


def is_valid_iban(value: str) -> bool:
    """True when the value (IBAN or Polish NRB) has a valid ISO 13616 checksum and country format."""
    return bool(_iban().is_valid(compact_iban(value)))


def normalize_iban(value: str | None) -> str | None:
    """The compact IBAN when the value is a valid IBAN or Polish NRB, else None."""
    if not value:
        return None
    compact = compact_iban(value)
    return compact if is_valid_iban(compact) else None


def ksef_checksum(prefix: str) -> str:
    """CRC-8 (polynomial 0x07, initial value 0x00) of the first 32 characters of a KSeF number, as 2 hex digits."""
    crc = 0
    for byte in prefix.encode("ascii"):
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return f"{crc:02X}"


@dataclass(frozen=True, slots=True)
class KsefNumber:
    """The parts of a KSeF invoice number ``NIP-YYYYMMDD-12HEX-CC``."""

    seller_nip: str
    date: date
    technical_part: str
    checksum: str

    def __str__(self) -> str:
        return f"{self.seller_nip}-{self.date:%Y%m%d}-{self.technical_part}-{self.checksum}"


def parse_ksef_number(value: str | None) -> KsefNumber | None:
    """Parse and verify a KSeF number (format, calendar date and CRC-8); None when any part is wrong.

    The seller NIP checksum is not required: KSeF checks it on production only, so test numbers may lack it.
    """
    if not value:
        return None
    match = _KSEF_NUMBER_PATTERN.match(value.strip().upper())
    if not match:
        return None
    nip, day, technical, checksum = match.groups()
    try:
        parsed_day = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    if ksef_checksum(value.strip().upper()[:32]) != checksum:
        return None
    return KsefNumber(nip, parsed_day, technical, checksum)


def is_valid_ksef_number(value: str | None) -> bool:
    """True when the value is a well-formed KSeF number with a correct checksum."""
    return parse_ksef_number(value) is not None


def normalize_invoice_number(value: str) -> str:
    """Casefold and drop every separator, so ``FV/2026/10/0012``, ``fv 2026-10-0012`` and ``FV2026100012`` agree."""
    return "".join(invoice_number_runs(value))


def invoice_number_runs(value: str) -> list[str]:
    """The letter runs and digit runs of an invoice number, casefolded, separators dropped."""
    return RUN_PATTERN.findall(value.casefold())


def loose_invoice_number(value: str) -> str:
    """Like normalize_invoice_number, but leading zeros of each digit group do not count.

    ``FV/2026/10/0012`` and ``FV/2026/10/12`` agree. Groups stay delimited, so ``1/12`` and ``11/2`` still differ.
    """
    return loose_key_of_runs(invoice_number_runs(value))


def loose_key_of_runs(runs: list[str]) -> str:
    """The loose key of an already split invoice number (see loose_invoice_number)."""
    return "-".join((run.lstrip("0") or "0") if run.isdigit() else run for run in runs)
