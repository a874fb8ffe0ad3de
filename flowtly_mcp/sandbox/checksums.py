"""Identifier checks the sandbox enforces: Polish NIP, IBAN, and the CRC-8 that closes every KSeF number."""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban
from stdnum.pl import nip as stdnum_nip

# KSeF accepts only NIPs of this form; 0000000000 passes the checksum but not this pattern.
_KSEF_NIP = re.compile(r"^[1-9](([0-9][1-9])|([1-9][0-9]))[0-9]{7}$")


def compact_nip(value: str) -> str:
    text = re.sub(r"[\s-]", "", value).upper()
    return text[2:] if text.startswith("PL") else text


def looks_like_nip(value: str) -> bool:
    return re.fullmatch(r"[0-9]{10}", compact_nip(value)) is not None


def is_valid_nip(value: str) -> bool:
    compact = compact_nip(value)
    return bool(stdnum_nip.is_valid(compact)) and _KSEF_NIP.match(compact) is not None


def compact_iban(value: str) -> str:
    text = re.sub(r"\s", "", value).upper()
    # A bare 26-digit Polish NRB is how Polish banks print account numbers: read it as a PL IBAN.
    return f"PL{text}" if re.fullmatch(r"[0-9]{26}", text) else text


def is_valid_iban(value: str) -> bool:
    return bool(stdnum_iban.is_valid(compact_iban(value)))


def crc8(data: bytes, polynomial: int = 0x07, initial: int = 0x00) -> int:
    """CRC-8 as KSeF computes it (polynomial 0x07, initial value 0x00, no reflection, no final xor)."""
    crc = initial
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ polynomial) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def ksef_number(seller_nip: str, day: str, hex12: str) -> str:
    """`NIP-YYYYMMDD-12HEX-CC`, where CC is the CRC-8 of the first 32 characters."""
    body = f"{compact_nip(seller_nip)}-{day.replace('-', '')}-{hex12.upper()}"
    return f"{body}-{crc8(body.encode('ascii')):02X}"
