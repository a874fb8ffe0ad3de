"""A read's answer: its text is the compact JSON of its structured content, unescaped, and nothing is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import TextContent

from flowtly_mcp.sandbox import Sandbox

from .conftest import ServerFactory

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_list_answers_compact_json_equal_to_its_structured_content(
    mode: str, sandbox: Sandbox, make_server: ServerFactory, tmp_path: Path
) -> None:
    async with Client(make_server(), mode=mode) as client:
        result = await client.call_tool("list_clients", {"limit": 30})
    assert not result.is_error and result.structured_content is not None
    [content] = result.content
    assert isinstance(content, TextContent)
    structured: dict[str, Any] = result.structured_content
    assert json.loads(content.text) == structured and len(structured["items"]) == 30
    assert content.text == json.dumps(structured, ensure_ascii=False, separators=(",", ":"))
    names = [str(item.get("name", "")) for item in structured["items"]]
    assert any(not name.isascii() for name in names), "the seed has Polish names: shown as written, not escaped"
    audit = tmp_path / "audit.jsonl"
    assert not audit.exists() or audit.read_text() == "", "reads are never audited"


async def test_every_list_answers_its_structured_content_as_compact_json(make_server: ServerFactory) -> None:
    """Every list tool (invoices with their derived Decimal amounts among them) writes the same data twice."""
    from flowtly_mcp.tools.all import registry

    names = [
        spec.name
        for spec in registry()
        if spec.name.startswith("list_") and not any(f.is_required() for f in spec.input_model.model_fields.values())
    ]
    assert "list_invoices" in names and len(names) >= 15
    async with Client(make_server()) as client:
        for name in names:
            result = await client.call_tool(name, {})
            assert not result.is_error, (name, result.content)
            [content] = result.content
            assert isinstance(content, TextContent) and result.structured_content is not None
            assert content.text == json.dumps(result.structured_content, ensure_ascii=False, separators=(",", ":"))
