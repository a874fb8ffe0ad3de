"""Query strings the way PHP reads and writes them: `a[]=1&a[]=2`, `order[issueDate]=desc`, RFC 3986 output.

API Platform sees the query through PHP's parser, so filters, pagination links and the `view` ids follow PHP's
rules: bracketed keys nest, `[]` appends, the last plain value of a repeated key wins.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote_plus

QueryValue = str | list[Any] | dict[str, Any]
Query = dict[str, QueryValue]

_KEY = re.compile(r"^([^\[]+)((?:\[[^\]]*\])*)")


def parse_query(raw: str) -> Query:
    """Parse like PHP's `parse_str`: nested brackets, list appends, last plain value wins."""
    result: dict[str, Any] = {}
    for part in raw.split("&"):
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        key = unquote_plus(raw_key)
        value = unquote_plus(raw_value)
        match = _KEY.match(key)
        if match is None:
            continue
        name = match.group(1)
        path = re.findall(r"\[([^\]]*)\]", match.group(2))
        _assign(result, [name, *path], value)
    return {key: _lists(value) for key, value in result.items()}


def _assign(target: dict[str, Any], path: list[str], value: str) -> None:
    node = target
    for depth, segment in enumerate(path):
        last = depth == len(path) - 1
        if segment == "":
            segment = str(sum(1 for key in node if _is_index(key)))
        if last:
            node[segment] = value
            return
        child = node.get(segment)
        if not isinstance(child, dict):
            child = {}
            node[segment] = child
        node = child


def _lists(value: Any) -> Any:
    """Turn `{"0": a, "1": b}` (what `[]` and `[0]` produce) into a list, as PHP arrays behave."""
    if not isinstance(value, dict):
        return value
    converted = {key: _lists(item) for key, item in value.items()}
    if converted and all(_is_index(key) for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _is_index(key: str) -> bool:
    return key.isascii() and key.isdigit()


def build_query(params: Query) -> str:
    """Like PHP's `http_build_query(..., PHP_QUERY_RFC3986)`: lists get numeric indices."""
    pairs: list[str] = []
    for key, value in params.items():
        _flatten(key, value, pairs)
    return "&".join(pairs)


def _flatten(key: str, value: Any, pairs: list[str]) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(f"{key}[{index}]", item, pairs)
    elif isinstance(value, dict):
        for sub_key, item in value.items():
            _flatten(f"{key}[{sub_key}]", item, pairs)
    else:
        pairs.append(f"{quote(key, safe='')}={quote(str(value), safe='')}")


def first_value(params: Query, name: str) -> str | None:
    """A scalar parameter, or None when absent or given as an array."""
    value = params.get(name)
    return value if isinstance(value, str) else None
