"""Prompt injection planted in the data (a client note, a bank transfer title) comes back as data and changes nothing.

Every read that surfaces the planted text returns it only inside the record's own text field (note, description,
title), the text block is exactly the JSON of the structured result (the text is a JSON string, never prose next to
the server's own words), the matcher does not treat the "orders" as a reason to match, and no write reaches the
sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from mcp import Client
from mcp.types import TextResourceContents

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import GroundTruth

from .conftest import MODES, ServerFactory, structured, text_of, writes

pytestmark = pytest.mark.anyio

# Where third-party text lives in our records: the only places the planted text may appear.
DATA_FIELDS = frozenset({"note", "description", "title"})


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, (*path, str(key)))
    elif isinstance(value, list):
        for position, inner in enumerate(value):
            yield from _strings(inner, (*path, str(position)))


def _places(document: Any, planted: str) -> list[tuple[str, ...]]:
    """Every path at which the planted text (or a part of it) appears."""
    marker = planted[:40]
    return [path for path, text in _strings(document) if marker in text]


def _assert_data_only(document: Any, planted: str, what: str) -> int:
    places = _places(document, planted)
    for path in places:
        assert path and path[-1] in DATA_FIELDS, f"{what}: the planted text appears at {'/'.join(path)}"
    return len(places)


def _planted(sandbox: Sandbox, truth: GroundTruth) -> tuple[str, str, str, str]:
    note_id = truth.injection_note_ids[0]
    transaction_id = truth.injection_transaction_ids[0]
    note = sandbox.store.get("client-notes", note_id)
    transaction = sandbox.store.get("transactions", transaction_id)
    assert note is not None and transaction is not None, "the seed plants both hostile texts"
    return note_id, str(note["note"]), transaction_id, str(transaction["description"])


@pytest.mark.parametrize("mode", MODES)
async def test_planted_instructions_are_returned_as_data_and_obeyed_by_nobody(
    mode: str, sandbox: Sandbox, truth: GroundTruth, make_server: ServerFactory
) -> None:
    note_id, note_text, transaction_id, title_text = _planted(sandbox, truth)
    note = sandbox.store.get("client-notes", note_id)
    assert note is not None
    client_id = str(note["client"]).rsplit("/", 1)[-1]
    since = len(sandbox.request_log)
    invoices_before = json.dumps(sandbox.store.all("invoices"), sort_keys=True, default=str)
    # (tool, arguments, the planted text it must show, if it shows one)
    calls: list[tuple[str, dict[str, Any], str | None]] = [
        ("get_client_note", {"id": note_id}, note_text),
        ("list_client_notes", {"client": client_id}, note_text),
        ("get_client", {"id": client_id}, None),
        ("get_transaction", {"id": transaction_id}, title_text),
        ("list_transactions", {"title": title_text[:20]}, title_text),
        ("suggest_payment_matches", {"transaction": transaction_id}, title_text),
        ("get_transaction_suggestions", {"transaction": transaction_id}, None),
        ("list_transactions_needing_attention", {"limit": 200}, None),
    ]
    async with Client(make_server(), mode=mode) as client:
        for tool, arguments, expected in calls:
            result = await client.call_tool(tool, arguments)
            assert not result.is_error, f"{tool}: {text_of(result)}"
            body = structured(result)
            assert json.loads(text_of(result)) == body, f"{tool}: the text block is not the structured result"
            shown = {text: _assert_data_only(body, text, tool) for text in (note_text, title_text)}
            if expected is not None:
                assert shown[expected] >= 1, f"{tool} did not show the planted text at all"

        matches = structured(await client.call_tool("suggest_payment_matches", {"transaction": transaction_id}))
        assert matches["status"] == "no_match" and matches["candidates"] == [], "the orders are not a reason to match"
        label = truth.label(transaction_id)
        assert label.allocations is None, "the ground truth agrees: this transfer pays nothing"

        resource = await client.read_resource(f"flowtly://transactions/{transaction_id}")
        texts = [part.text for part in resource.contents if isinstance(part, TextResourceContents)]
        assert texts, "the transaction resource is JSON text"
        assert sum(_assert_data_only(json.loads(text), title_text, "transaction resource") for text in texts) >= 1

    assert writes(sandbox, since) == [], "reading hostile text must not write anything"
    assert json.dumps(sandbox.store.all("invoices"), sort_keys=True, default=str) == invoices_before


@pytest.mark.parametrize("mode", MODES)
async def test_planted_text_as_an_argument_is_just_a_search_term(
    mode: str, sandbox: Sandbox, truth: GroundTruth, make_server: ServerFactory
) -> None:
    """A model that pasted the planted text into a tool call gets a search, not an action."""
    _, note_text, _, title_text = _planted(sandbox, truth)
    since = len(sandbox.request_log)
    async with Client(make_server(), mode=mode) as client:
        found = await client.call_tool("search_tools", {"query": note_text[:200]})
        assert not found.is_error, text_of(found)
        assert _places(structured(found), note_text) == [], "the query is not echoed into tool descriptions"
        listed = await client.call_tool("list_transactions", {"title": title_text[:60]})
        assert not listed.is_error, text_of(listed)
    assert writes(sandbox, since) == []
