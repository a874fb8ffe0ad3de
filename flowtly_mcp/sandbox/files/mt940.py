"""MT940 bank statements (SWIFT customer statement message), one per account and currency.

Fields: :20: reference, :25: account, :28C: statement number, :60F: opening balance, :61: a line per
transaction, :86: its details (the transfer title), :62F: closing balance. Amounts use a decimal comma.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_SPECIAL = str.maketrans({"ł": "l", "Ł": "L"})


@dataclass
class Line:
    value_date: date
    amount: Decimal
    reference: str
    details: str


@dataclass
class Statement:
    account: str
    currency: str
    number: int
    opening: Decimal
    opening_date: date
    lines: list[Line]


def _swift_text(text: str) -> str:
    """MT940 uses the SWIFT X character set: plain ASCII letters, digits and a little punctuation."""
    plain = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
    return "".join(ch if ch in allowed else " " for ch in plain if ord(ch) < 128).strip()


def _reference(text: str) -> str:
    """References (the subfield after `//`) hold no spaces: characters outside the SWIFT set become `-`."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "/-?:().,'+") else "-" for ch in text)


def _amount(value: Decimal) -> str:
    return format(abs(value).quantize(Decimal("0.01")), "f").replace(".", ",")


def _balance(tag: str, value: Decimal, day: date, currency: str) -> str:
    mark = "D" if value < 0 else "C"
    return f":{tag}:{mark}{day:%y%m%d}{currency}{_amount(value)}"


def build(statements: list[Statement], reference: str) -> str:
    blocks: list[str] = []
    for statement in statements:
        lines = [
            f":20:{_swift_text(reference)[:16]}",
            f":25:/{statement.account}",
            f":28C:{statement.number}/1",
            _balance("60F", statement.opening, statement.opening_date, statement.currency),
        ]
        closing = statement.opening
        closing_date = statement.opening_date
        for line in statement.lines:
            mark = "D" if line.amount < 0 else "C"
            reference_text = _reference(line.reference)[:16] or "NONREF"
            lines.append(
                f":61:{line.value_date:%y%m%d}{line.value_date:%m%d}{mark}{_amount(line.amount)}NTRFNONREF//{reference_text}"
            )
            details = _swift_text(line.details) or "-"
            chunks = [details[i : i + 65] for i in range(0, min(len(details), 390), 65)]
            lines.append(":86:" + "\n".join(chunks))
            closing += line.amount
            closing_date = max(closing_date, line.value_date)
        lines.append(_balance("62F", closing, closing_date, statement.currency))
        blocks.append("\r\n".join(lines))
    return "\r\n-\r\n".join(blocks) + "\r\n-\r\n"
