"""Smaller JSON schemas for the tool list: every byte of `tools/list` is paid in context tokens on every turn.

Drops generated `title`s, `default: null` and `additionalProperties: true` (the default), and folds
`anyOf: [X, {"type": "null"}]` into X, with `"null"` added to its type where null means something (outputs,
merge-patch updates) and left out where it means the same as omitting the argument.
"""

from __future__ import annotations

from typing import Any

_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains")


def _fold_nullable(node: dict[str, Any], keep_null: bool) -> dict[str, Any]:
    options = node.get("anyOf")
    if not isinstance(options, list) or len(options) != 2:
        return node
    rest = [o for o in options if o != {"type": "null"}]
    if len(rest) != 1 or not isinstance(rest[0], dict) or "type" not in rest[0]:
        return node
    merged = {k: v for k, v in node.items() if k != "anyOf"}
    merged.update({k: v for k, v in rest[0].items() if k not in merged})
    kind = rest[0]["type"]
    if keep_null:
        merged["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
    return merged


# Length limits are still enforced by the server's models; publishing them costs more than it helps.
_UNPUBLISHED = frozenset({"maxLength", "minLength", "maxItems"})


def slim_output(schema: dict[str, Any]) -> dict[str, Any]:
    """Output schemas without descriptions: results explain themselves, and validation keeps its full meaning."""
    return dict(_without_descriptions(slim(schema)))


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_descriptions(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {
        k: ({n: _without_descriptions(s) for n, s in v.items()} if k in _SCHEMA_MAPS else _without_descriptions(v))
        for k, v in node.items()
        if not (k == "description" and isinstance(v, str))
    }


def slim_input(schema: dict[str, Any], *, keep_null: bool) -> dict[str, Any]:
    """Input schemas; unknown arguments are refused by the server with a clear message, so that is not repeated."""
    return dict(_lean_input(slim(schema, keep_null=keep_null)))


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _lean_input(node: Any, name: str = "") -> Any:
    if isinstance(node, list):
        return [_lean_input(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "additionalProperties" and value is False:
            continue
        if key == "description" and isinstance(value, str) and name and _squash(value) == _squash(name):
            continue  # "quantity: Quantity" says nothing the name does not
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {prop: _lean_input(sub, prop) for prop, sub in value.items()}
        else:
            out[key] = _lean_input(value)
    return out


def slim(node: Any, *, keep_null: bool = True) -> Any:
    """`keep_null=False` for inputs where null means the same as leaving the argument out."""
    if isinstance(node, list):
        return [slim(n, keep_null=keep_null) for n in node]
    if not isinstance(node, dict):
        return node
    node = _fold_nullable(node, keep_null)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if (key == "default" and value is None) or (key == "additionalProperties" and value is True):
            continue
        if key in _UNPUBLISHED and isinstance(value, int):
            continue
        if key == "type" and value == "string" and all(isinstance(v, str) for v in node.get("enum", [None])):
            continue  # an enum of strings already says it is a string
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: slim(sub, keep_null=keep_null) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS or key in _SCHEMA_ONE:
            out[key] = slim(value, keep_null=keep_null)
        else:
            out[key] = value
    return out
