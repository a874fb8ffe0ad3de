"""Search results for a model: compact JSON, a few words on why each tool matched, input schemas for the best only.

A model reading five hits needs the arguments of the one or two it will call, not of all five; the others can be
looked up again. Pretty-printing costs about a third more tokens and tells a model nothing, so none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

from .ranker import Entry, Hit

SCHEMAS_FOR = 2
# A second schema only while the schemas together stay this short (about 600 o200k tokens): a result naming
# create_invoice and another large tool would otherwise cost more than the rest of the answer together.
SCHEMA_CHARS = 2400

Payload = dict[str, list[dict[str, Any]]]


def result_payload(
    hits: Sequence[Hit],
    entries: Mapping[str, Entry],
    *,
    schema_of: Callable[[str], Mapping[str, Any]],
    listed: Container[str] = frozenset(),
    risk_of: Callable[[str], str] | None = None,
    schemas_for: int = SCHEMAS_FOR,
) -> Payload:
    """The result as data: each hit's name, description and why; `listed` when already in the tool list; its risk
    when it changes data; the input schema for the first `schemas_for` hits that are not listed (a listed tool's
    schema is already in the model's context), the second and later only while all of them stay under
    `SCHEMA_CHARS` characters."""
    tools: list[dict[str, Any]] = []
    schemas_left = schemas_for
    schema_chars = 0
    for hit in hits:
        entry = entries[hit.name]
        found: dict[str, Any] = {"name": hit.name, "description": entry.description, "why": hit.why}
        risk = risk_of(hit.name) if risk_of is not None else "read"
        if risk != "read":
            found["risk"] = risk
        if hit.name in listed:
            found["listed"] = True
        elif schemas_left > 0:
            schema = dict(schema_of(hit.name))
            size = len(compact_json(schema))
            if schema_chars == 0 or schema_chars + size <= SCHEMA_CHARS:
                found["input_schema"] = schema
                schema_chars += size
            schemas_left -= 1
        tools.append(found)
    return {"tools": tools}


def compact_json(payload: Mapping[str, Any]) -> str:
    """JSON without indentation or spaces after separators; non-ASCII kept as is (fewer tokens than escapes)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def compact_result(
    hits: Sequence[Hit],
    entries: Mapping[str, Entry],
    *,
    schema_of: Callable[[str], Mapping[str, Any]],
    listed: Container[str] = frozenset(),
    risk_of: Callable[[str], str] | None = None,
    schemas_for: int = SCHEMAS_FOR,
) -> str:
    """`result_payload` as compact JSON text."""
    return compact_json(
        result_payload(hits, entries, schema_of=schema_of, listed=listed, risk_of=risk_of, schemas_for=schemas_for)
    )
