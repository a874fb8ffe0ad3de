"""Smaller JSON schemas for the tool list: every byte of `tools/list` is paid in context tokens on every turn.

Drops generated `title`s, `default: null` and `additionalProperties: true` (the default), and folds
`anyOf: [X, {"type": "null"}]` into X, with `"null"` added to its type (or, for an enum, to its values) where null
means something (outputs, merge-patch updates) and left out where it means the same as omitting the argument. A
`$defs` entry used once is written where it is used. Every rewrite keeps what the schema accepts.
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
        if isinstance(merged.get("enum"), list) and None not in merged["enum"]:
            # An enum is checked beside the type: without null among its values, null would still be refused.
            merged["enum"] = [*merged["enum"], None]
    return merged


def inline_single_defs(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every `$defs` entry referenced exactly once written in place of its `$ref`."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema
    uses: dict[str, int] = {}
    _count_refs({k: v for k, v in schema.items() if k != "$defs"}, uses)
    for body in defs.values():
        _count_refs(body, uses)
    # Definitions that refer to definitions stay put: only leaves are moved, so nothing can become recursive.
    movable = {name for name, body in defs.items() if uses.get(name) == 1 and not _count_refs(body, {})}
    if not movable:
        return schema
    rest = {name: body for name, body in defs.items() if name not in movable}
    out = _replace_refs({k: v for k, v in schema.items() if k != "$defs"}, {n: defs[n] for n in movable})
    if rest:
        out["$defs"] = _replace_refs(rest, {n: defs[n] for n in movable})
    return dict(out)


_DEF_PREFIX = "#/$defs/"


def _count_refs(node: Any, uses: dict[str, int]) -> int:
    """Counts `$ref`s into `$defs` below `node` into `uses`; returns how many there were."""
    found = 0
    if isinstance(node, list):
        return sum(_count_refs(n, uses) for n in node)
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEF_PREFIX):
            name = ref.removeprefix(_DEF_PREFIX)
            uses[name] = uses.get(name, 0) + 1
            found += 1
        found += sum(_count_refs(v, uses) for k, v in node.items() if k != "$ref")
    return found


def _replace_refs(node: Any, inline: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_replace_refs(n, inline) for n in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEF_PREFIX) and ref.removeprefix(_DEF_PREFIX) in inline:
        # Keywords beside the `$ref` (a field's description) apply as well; they win over the definition's own.
        target = inline[ref.removeprefix(_DEF_PREFIX)]
        return {**target, **{k: _replace_refs(v, inline) for k, v in node.items() if k != "$ref"}}
    return {k: _replace_refs(v, inline) for k, v in node.items()}


# Length limits are still enforced by the server's models; publishing them costs more than it helps.
_UNPUBLISHED = frozenset({"maxLength", "minLength", "maxItems"})


def slim_output(schema: dict[str, Any]) -> dict[str, Any]:
    """Output schemas without descriptions or defaults: results explain themselves (and a result carries every
    field it has, so a default says nothing). An array whose items are only typed (`{"type": "object"}`, records;
    `{"type": "string"}`, notes) is published as an array: the result shows what it holds, and the item type on
    some 60 tools cost every host about two tokens per tool on every turn. Structured items keep their schema."""
    return inline_single_defs(dict(_without_annotations(slim(schema))))


# Keywords that annotate rather than constrain; an output schema needs none of them.
_OUTPUT_NOTES = frozenset({"description", "default", "examples"})


def _without_annotations(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_annotations(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {
        k: ({n: _without_annotations(s) for n, s in v.items()} if k in _SCHEMA_MAPS else _without_annotations(v))
        for k, v in node.items()
        if k not in _OUTPUT_NOTES and not (k == "items" and _only_typed_items(node))
    }


def _only_typed_items(node: dict[str, Any]) -> bool:
    items = node.get("items")
    return node.get("type") == "array" and isinstance(items, dict) and set(items) == {"type"}


def slim_input(schema: dict[str, Any], *, keep_null: bool) -> dict[str, Any]:
    """Input schemas; unknown arguments are refused by the server with a clear message, so that is not repeated."""
    return inline_single_defs(dict(_lean_input(slim(schema, keep_null=keep_null))))


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


def _enum_says_it(kind: Any, enum: Any) -> bool:
    if not isinstance(enum, list) or not enum or not all(isinstance(v, str) or v is None for v in enum):
        return False
    kinds = {"string", "null"} if None in enum else {"string"}
    return (kinds == {kind}) if isinstance(kind, str) else (isinstance(kind, list) and set(kind) == kinds)


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
        if key == "type" and _enum_says_it(value, node.get("enum")):
            continue  # an enum of strings (and null) already says what type its values are
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: slim(sub, keep_null=keep_null) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS or key in _SCHEMA_ONE:
            out[key] = slim(value, keep_null=keep_null)
        else:
            out[key] = value
    return out
