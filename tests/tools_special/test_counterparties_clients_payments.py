"""Counterparty merge and branding, client search and documents, and the payment setup intent."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import TODAY, Arrange, confirm, error_text, ok, writes

pytestmark = pytest.mark.anyio
SURVIVOR_IBAN = "PL61109010140000071219812874"
DUPLICATE_IBAN = "BE31435411161155"


async def _pair(arrange: Arrange, *, duplicate_tin: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    survivor = await arrange.send(
        "POST",
        "/counterparties",
        {
            "type": "company",
            "displayName": "Kwiaciarnia Róża Sp. z o.o.",
            "tin": "8567346215",
            "bankAccounts": [SURVIVOR_IBAN],
        },
    )
    duplicate = await arrange.send(
        "POST",
        "/counterparties",
        {
            "type": "company",
            "displayName": "Kwiaciarnia Roza",
            "tin": duplicate_tin,
            "bankAccounts": [DUPLICATE_IBAN],
            "corporateWebsiteUrl": "https://roza.example.pl",
        },
    )
    for amount in (120, 80):
        await arrange.send(
            "POST",
            "/transactions",
            {
                "bankAccount": SURVIVOR_IBAN,
                "amount": -amount,
                "currency": "PLN",
                "description": "Kwiaty",
                "execDate": TODAY.isoformat(),
                "counterparty": duplicate["@id"],
            },
        )
    return survivor, duplicate


async def test_merge_previews_what_moves_and_merges_once(client: Client, sandbox: Sandbox, arrange: Arrange) -> None:
    survivor, duplicate = await _pair(arrange)
    before = len(writes(sandbox))
    args = {"survivor": survivor["id"], "duplicates": [duplicate["@id"]]}
    preview, done = await confirm(client, "merge_counterparty_records", args)
    details = preview["preview"]["details"]
    assert details["survivor"] == f"Kwiaciarnia Róża Sp. z o.o. (counterparty {survivor['id']})"
    assert details["duplicates_deleted"] == [f"Kwiaciarnia Roza (counterparty {duplicate['id']})"]
    assert details["transactions_moving"] == 2 and details["bank_accounts_moving"] == 1
    assert "corporateWebsiteUrl" in details["fields_filled"]
    assert any("cannot be undone" in w for w in preview["preview"]["warnings"])

    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [("POST", f"/counterparties/{survivor['id']}/merge")]
    assert sandbox.store.get("counterparties", duplicate["id"]) is None
    merged = sandbox.store.get("counterparties", survivor["id"])
    assert merged is not None and set(merged["bankAccounts"]) == {SURVIVOR_IBAN, DUPLICATE_IBAN}
    assert merged["corporateWebsiteUrl"] == "https://roza.example.pl"
    moved = [t for t in sandbox.store.all("transactions") if t.get("counterparty") == survivor["@id"]]
    assert len(moved) == 2
    assert done["result"]["item"]["id"] == survivor["id"]

    replay = await client.call_tool(
        "merge_counterparty_records", {**args, "confirmation_token": preview["confirmation_token"]}
    )
    assert replay.is_error
    assert len(writes(sandbox)) == before + 1


async def test_merge_of_records_with_different_nips_is_refused(
    client: Client, sandbox: Sandbox, arrange: Arrange
) -> None:
    survivor, duplicate = await _pair(arrange, duplicate_tin="5265877635")
    before = len(writes(sandbox))
    text = error_text(
        await client.call_tool(
            "merge_counterparty_records", {"survivor": survivor["id"], "duplicates": [duplicate["id"]]}
        )
    )
    assert "different tax numbers" in text and "5265877635" in text
    assert len(writes(sandbox)) == before
    assert sandbox.store.get("counterparties", duplicate["id"]) is not None


async def test_merge_arguments_are_checked_before_any_request(client: Client, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    itself = await client.call_tool(
        "merge_counterparty_records", {"survivor": 5, "duplicates": [6, "/api/counterparties/5"]}
    )
    assert "cannot merge into itself" in error_text(itself)
    none = await client.call_tool("merge_counterparty_records", {"survivor": 5, "duplicates": []})
    assert "duplicates" in error_text(none)
    wrong = await client.call_tool("merge_counterparty_records", {"survivor": "/api/clients/5", "duplicates": [6]})
    assert "survivor" in error_text(wrong)
    assert len(sandbox.request_log) == before


async def test_enrich_branding_one_and_all(client: Client, sandbox: Sandbox) -> None:
    bare = [c for c in sandbox.store.all("counterparties") if not c.get("logoUrl")]
    assert len(bare) >= 2
    one = ok(await client.call_tool("enrich_counterparty_branding", {"counterparty": bare[0]["id"]}))
    assert one["ok"] is True and one["result"]["status"] == "queued"
    first = sandbox.store.get("counterparties", bare[0]["id"])
    assert first is not None and first["logoUrl"]
    second = sandbox.store.get("counterparties", bare[1]["id"])
    assert second is not None and not second.get("logoUrl")

    every = ok(await client.call_tool("enrich_counterparty_branding", {}))
    assert every["result"]["counterparties"] == len(bare) - 1
    assert all(c.get("logoUrl") for c in sandbox.store.all("counterparties"))


async def test_search_clients_by_name_and_nip(client: Client, sandbox: Sandbox) -> None:
    target = next(c for c in sandbox.store.all("clients") if c.get("tin") and c.get("name"))
    by_nip = ok(await client.call_tool("search_clients", {"query": target["tin"]}))
    assert [item["id"] for item in by_nip["items"]] == [target["id"]]
    assert by_nip["items"][0]["name"] == target["name"]
    word = target["name"].split()[0]
    by_name = ok(await client.call_tool("search_clients", {"query": word, "limit": 50}))
    assert target["id"] in {item["id"] for item in by_name["items"]}


async def test_list_client_documents_lists_the_clients_invoices(client: Client, sandbox: Sandbox) -> None:
    buyer = sandbox.store.all("clients")[0]
    iri = f"/api/clients/{buyer['id']}"
    expected = {i["id"] for i in sandbox.store.all("invoices") if i.get("client") == iri}
    seen: set[Any] = set()
    cursor = None
    while True:
        args: dict[str, Any] = {"client": buyer["id"], "limit": 7}
        if cursor:
            args["cursor"] = cursor
        page = ok(await client.call_tool("list_client_documents", args))
        seen |= {item["id"] for item in page["items"]}
        assert all(item["client"] == buyer["id"] for item in page["items"])
        cursor = page.get("next_cursor")  # absent once the list is complete
        if cursor is None:
            break
    assert seen == expected and page["total"] == len(expected) > 0


async def test_create_payment_setup_intent(client: Client, sandbox: Sandbox) -> None:
    before = len(writes(sandbox))
    item = ok(await client.call_tool("create_payment_setup_intent", {}))["item"]
    assert item["id"].startswith("seti_") and item["clientSecret"].startswith(item["id"])
    assert item["status"] == "requires_payment_method"
    assert [(w[0], w[1]) for w in writes(sandbox)[before:]] == [("POST", "/payment-methods/create-setup-intent")]
