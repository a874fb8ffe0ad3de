"""The compact result: no indentation, why on every hit, schemas only for the best unlisted hits."""

import json
from typing import Any

from flowtly_mcp.search import Entry, Hit, compact_result, result_payload
from flowtly_mcp.search.results import SCHEMA_CHARS

ENTRIES = {
    name: Entry(name, name.replace("_", " ").title(), f"Does {name}.", "invoices")
    for name in ("get_invoice", "list_invoices", "delete_invoice", "update_invoice")
}
HITS = [Hit(name, 10.0 - i, f"name: {name.split('_')[1]}") for i, name in enumerate(ENTRIES)]


def schema_of(name: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"id": {"type": "string", "description": f"for {name}"}}}


def test_schemas_go_to_the_first_unlisted_hits_only() -> None:
    payload = result_payload(HITS, ENTRIES, schema_of=schema_of, listed={"get_invoice"}, schemas_for=2)
    tools = payload["tools"]
    assert [tool["name"] for tool in tools] == list(ENTRIES)
    assert tools[0]["listed"] is True and "input_schema" not in tools[0]
    assert [("input_schema" in tool) for tool in tools[1:]] == [True, True, False]
    assert all(tool["why"] for tool in tools)


def test_risk_appears_only_for_tools_that_change_data() -> None:
    risks = {"delete_invoice": "destructive", "update_invoice": "write"}
    tools = result_payload(HITS, ENTRIES, schema_of=schema_of, risk_of=lambda n: risks.get(n, "read"))["tools"]
    assert {tool["name"]: tool.get("risk") for tool in tools} == {
        "get_invoice": None,
        "list_invoices": None,
        "delete_invoice": "destructive",
        "update_invoice": "write",
    }


def test_text_is_compact_json_with_unescaped_polish() -> None:
    entries = {"get_invoice": Entry("get_invoice", "Pobierz fakturę", "Pobierz fakturę.", "invoices")}
    text = compact_result([Hit("get_invoice", 1.0, "name: fakturę")], entries, schema_of=schema_of)
    assert text.startswith('{"tools":[{"name":"get_invoice","description":"Pobierz fakturę."')
    assert "\n" not in text and '", "' not in text and '": ' not in text
    assert json.loads(text)["tools"][0]["input_schema"] == schema_of("get_invoice")


def test_a_second_schema_only_while_the_schemas_stay_short() -> None:
    def large(name: str) -> dict[str, Any]:
        fields = {f"field_{n}": {"type": "string", "description": f"about {name}"} for n in range(60)}
        return {"type": "object", "properties": fields}

    assert len(json.dumps(large("list_invoices"))) > SCHEMA_CHARS
    tools = result_payload(HITS, ENTRIES, schema_of=large, listed={"get_invoice"}, schemas_for=2)["tools"]
    assert [("input_schema" in tool) for tool in tools] == [False, True, False, False]
