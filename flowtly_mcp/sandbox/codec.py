"""JSON on the wire and in the store, with money kept as Decimal.

The standard library cannot write a Decimal as a JSON number, and a float would lose grosze, so Decimals are
written through a marker string that is swapped for the exact digits after encoding. The marker carries a random
nonce so that no string a client sends can pass for one.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

_NONCE = secrets.token_hex(8)
_MARK = f"\x00{_NONCE}:"
_MARKED_NUMBER = re.compile(r'"\\u0000' + _NONCE + r':(-?[0-9]+(?:\.[0-9]+)?)"')
_STORE_TAG = "$decimal"


def _mark_decimal(value: Any) -> str:
    """json's hook for types it does not know: only Decimal is expected."""
    if isinstance(value, Decimal):
        return _MARK + _plain_digits(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _plain_digits(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot encode {value} as JSON")
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def dumps(value: Any) -> str:
    """Encode for the wire: Decimals become JSON numbers with their exact digits."""
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_mark_decimal)
    return _MARKED_NUMBER.sub(lambda match: match.group(1), encoded)


def loads(text: str | bytes) -> Any:
    """Decode a request body: every non-integer number becomes a Decimal, never a float."""
    return json.loads(text, parse_float=Decimal)


def _tag_decimals(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {_STORE_TAG: str(value)}
    if isinstance(value, dict):
        return {key: _tag_decimals(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tag_decimals(item) for item in value]
    return value


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(tagged := obj.get(_STORE_TAG), str):
        try:
            return Decimal(tagged)
        except ArithmeticError:
            return obj
    return obj


def store_dumps(value: Any) -> str:
    """Encode a record for SQLite, keeping Decimal distinct from strings and ints."""
    return json.dumps(_tag_decimals(value), ensure_ascii=False, separators=(",", ":"))


def store_loads(text: str) -> Any:
    return json.loads(text, object_hook=_untag)
