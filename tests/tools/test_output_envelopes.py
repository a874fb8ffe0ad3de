"""The published output schemas need no null and no item types of plain arrays, and results still validate.

A list's `next_cursor`/`total` and a guarded call's `approval_id`/`preview`/`result` are left out when they do not
apply (never null), so their published types are plain; `slim_output` publishes an array of only-typed items as an
array. Every result checked here validates against what `tools/list` publishes.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from flowtly_mcp.tools.kernel.binding import GuardedOutcome, guarded_output_schema
from flowtly_mcp.tools.kernel.results import ListResult, json_data, json_text
from flowtly_mcp.tools.kernel.schema_slim import slim_output


def _has_null(node: Any) -> bool:
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "null" or (isinstance(kind, list) and "null" in kind):
            return True
        return any(_has_null(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_null(value) for value in node)
    return False


LIST_SCHEMA = slim_output(ListResult.model_json_schema(mode="serialization"))


def test_the_list_envelope_publishes_no_null_and_requires_only_its_items() -> None:
    assert not _has_null(LIST_SCHEMA)
    assert LIST_SCHEMA["required"] == ["items"]
    assert LIST_SCHEMA["properties"]["items"] == {"type": "array"}


@pytest.mark.parametrize(
    ("result", "keys"),
    [
        (ListResult(items=[{"id": "1"}], total=None, next_cursor=None), {"items", "checked_here"}),
        (ListResult(items=[], total=3, next_cursor="abc"), {"items", "total", "next_cursor", "checked_here"}),
    ],
)
def test_a_list_leaves_out_what_it_does_not_know_and_validates(result: ListResult, keys: set[str]) -> None:
    dumped = result.model_dump(mode="json")
    assert set(dumped) == keys
    jsonschema.validate(dumped, LIST_SCHEMA)


@pytest.mark.parametrize("agent_tokens", [False, True])
def test_a_guarded_outcome_leaves_out_what_does_not_apply_and_validates(agent_tokens: bool) -> None:
    schema = guarded_output_schema(agent_tokens=agent_tokens)
    assert not _has_null(schema)
    done = GuardedOutcome(status="done", result={"id": "7"}).model_dump(mode="json")
    assert done == {"status": "done", "result": {"id": "7"}}
    declined = GuardedOutcome(status="declined", message="Declined").model_dump(mode="json")
    assert declined == {"status": "declined", "message": "Declined"}
    for outcome in (done, declined):
        jsonschema.validate(outcome, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"status": "done", "result": None}, schema)


def test_only_typed_array_items_are_left_out_of_an_output_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "notes": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
        },
    }
    slimmed = slim_output(schema)
    assert slimmed["properties"]["notes"] == {"type": "array"}
    assert slimmed["properties"]["rows"] == schema["properties"]["rows"]


TRICKY_RECORD: dict[str, Any] = {
    "id": 7,
    "amount": Decimal("9766.20"),
    "openAmount": Decimal("-0.00"),
    "scaled": Decimal("1E+2"),
    "rate": 0.1,
    "big": 1.5e20,
    "name": 'Zażółć \u2028 "gęślą" \\ jaźń',
    "issueDate": dt.date(2026, 1, 2),
    "sentAt": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    "rows": [{"quantity": 3, "netPrice": Decimal("1.50"), "note": None}],
    "flags": [True, False],
    "nothing": None,
}


@pytest.mark.parametrize(
    "result",
    [
        ListResult(items=[TRICKY_RECORD, {"id": "x"}], total=2, next_cursor="c1", checked_here=["status"]),
        ListResult(items=[], total=None, next_cursor=None),
        ListResult(items=[{}], total=0),
    ],
)
def test_a_page_is_written_as_pydantic_would_write_it(result: ListResult) -> None:
    """The fast path for pages (no per-value type inference) gives exactly the model's own JSON dump."""
    data = json_data(result)
    assert data == result.model_dump(mode="json")
    assert json.loads(json_text(data)) == data
    jsonschema.validate(data, LIST_SCHEMA)
