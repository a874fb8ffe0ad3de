"""JSON that keeps money exact in both directions.

Reading: every non-integer number becomes a `Decimal`. Bodies are decoded by msgspec (about twice as fast as the
standard library on a page of invoices, which is most of a long report's client time) with the standard library as
the reference: whatever msgspec refuses (NaN, a byte-order mark, a lone surrogate, malformed JSON) is decoded, or
refused with its usual message, by `json.loads`, so the result is the same either way.

Writing: a `Decimal` becomes a JSON number with exactly its own digits (never via float), dates and datetimes become
ISO strings. The writer is a small recursive one because the standard encoder can only emit numbers through
`float.__repr__`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import msgspec

# The raw text of each fractional number goes to Decimal, as `parse_float=Decimal` does in the standard library.
_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def loads(content: bytes | str) -> Any:
    """Parse a response body; raises ValueError (json.JSONDecodeError) when it is not JSON."""
    try:
        return _DECODER.decode(content)
    except msgspec.DecodeError:
        return json.loads(content, parse_float=Decimal)


def decimal_digits(value: Decimal) -> str:
    """A finite Decimal in plain positional notation, keeping its scale: Decimal("1.50") → "1.50"."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite amount and cannot be sent")
    text = format(value, "f")
    return "0" if text == "-0" else text


def dumps(value: Any) -> str:
    """Encode a request body compactly; floats are written as the standard encoder would."""
    parts: list[str] = []
    _write(value, parts, "")
    return "".join(parts)


def _write(value: Any, out: list[str], where: str) -> None:
    if value is None or isinstance(value, bool | str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Decimal):
        out.append(decimal_digits(value))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(json.dumps(value, allow_nan=False))
    elif isinstance(value, datetime | date | time):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, got {key!r} at {where or 'the top level'}")
            if index:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(item, out, f"{where}.{key}" if where else key)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, f"{where}[{index}]")
        out.append("]")
    else:
        raise TypeError(f"cannot send a {type(value).__name__} as JSON (at {where or 'the top level'})")
