"""Query strings in API Platform's filter notation.

`{"status": ["paid", "sent"], "issueDate": {"after": date(2025, 1, 1)}, "order": {"issueDate": "desc"}}` becomes
`status[]=paid&status[]=sent&issueDate[after]=2025-01-01&order[issueDate]=desc`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from .jsoncodec import decimal_digits

QueryPairs = list[tuple[str, str]]


Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


def encode_params(params: Params | None) -> QueryPairs:
    """Flatten filter parameters into query pairs; None values are left out.

    A mapping is expanded in API Platform's bracket notation; a sequence of pairs is taken as already spelled out
    (repeat a key to send several values).
    """
    if params is None:
        return []
    if isinstance(params, Mapping):
        pairs: QueryPairs = []
        for key, value in params.items():
            _add(pairs, str(key), value)
        return pairs
    return [(str(key), scalar(value)) for key, value in params if value is not None]


def _add(pairs: QueryPairs, key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            _add(pairs, f"{key}[{sub_key}]", sub_value)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        # API Platform reads repeated values only from the `key[]` form.
        list_key = key if key.endswith("[]") else f"{key}[]"
        pairs.extend((list_key, scalar(item)) for item in value if item is not None)
    else:
        pairs.append((key, scalar(value)))


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_digits(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"cannot put a {type(value).__name__} in a query string")


def without(pairs: QueryPairs, *names: str) -> QueryPairs:
    return [(key, value) for key, value in pairs if key not in names]
