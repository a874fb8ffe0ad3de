"""The client against an API that serves only the published fields: derived facts, truthful filters, invoice
numbers as references, and the batch reconcile preview. Representative tests run in every API variant."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth

from .conftest import ServerFactory, body, error_text, invoice_view, writes

pytestmark = pytest.mark.anyio


def _store_invoices(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [invoice_view(sandbox, record["id"]) for record in sandbox.store.all("invoices")]


@pytest.mark.api_matrix
async def test_compact_views_derive_what_the_docs_do_not_publish(sandbox: Sandbox, make_server: ServerFactory) -> None:
    """Open amounts come from the published invoiceTransactions; payer names from the embedded counterparty."""
    truth = {str(view["id"]): view for view in _store_invoices(sandbox)}
    async with Client(make_server()) as client:
        listed = body(await client.call_tool("list_invoices", {"limit": 40}))
        transactions = body(await client.call_tool("list_transactions", {"limit": 10}))
        aging = await client.call_tool("receivables_aging", {})
    assert len(listed["items"]) == 40 and listed["total"] == len(truth)
    for item in listed["items"]:
        assert Decimal(item["openAmount"]) == Decimal(str(truth[str(item["id"])]["openAmount"])), item["name"]
    named = [item for item in transactions["items"] if item.get("counterpartyId") is not None]
    assert named and all(item["counterpartyName"] for item in named)
    assert "currency" not in transactions["items"][0], "a transaction's currency is not published"
    assert not aging.is_error, aging.content


@pytest.mark.api_matrix
async def test_a_filter_counts_only_what_it_returns(sandbox: Sandbox, make_server: ServerFactory) -> None:
    eur = [view for view in _store_invoices(sandbox) if view["currency"] == "EUR"]
    async with Client(make_server()) as client:
        first = body(await client.call_tool("list_invoices", {"currency": "EUR", "limit": 5}))
        rest = body(
            await client.call_tool("list_invoices", {"currency": "EUR", "limit": 200, "cursor": first["next_cursor"]})
        )
    assert eur and first["total"] == len(eur)
    items = first["items"] + rest["items"]
    assert len(items) == len(eur) and all(item["currency"] == "EUR" for item in items)


async def test_a_filter_the_api_does_not_declare_is_checked_here(sandbox: Sandbox, make_server: ServerFactory) -> None:
    """Counterparties declare no filter on bankAccounts: the server walks the pages and filters them itself."""
    holder = next(r for r in sandbox.store.all("counterparties") if r.get("bankAccounts"))
    account = holder["bankAccounts"][0]
    expected = [r["id"] for r in sandbox.store.all("counterparties") if account in (r.get("bankAccounts") or [])]
    async with Client(make_server()) as client:
        found = body(await client.call_tool("list_counterparties", {"bank_account": account}))
    assert [item["id"] for item in found["items"]] == expected
    assert found["total"] == len(expected) and found["checked_here"] == ["bank_account"]


async def test_a_filter_that_cannot_be_checked_is_refused_naming_it(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server()) as client:
        currency = await client.call_tool("list_transactions", {"currency": "EUR"})
        rows = await client.call_tool("list_invoice_rows", {"invoice": "1"})
    assert "currency" in error_text(currency) and "does not declare" in error_text(currency)
    assert "get_invoice" in error_text(rows), "the refusal names the tool that gives an invoice's rows"


@pytest.mark.api_matrix
async def test_an_invoice_number_works_wherever_an_invoice_is_referenced(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    paid = str(sandbox.store.all("invoice-transactions")[0]["invoice"]).rsplit("/", 1)[-1]
    record = sandbox.store.get("invoices", paid)
    assert record is not None
    async with Client(make_server()) as client:
        by_number = body(await client.call_tool("get_invoice", {"id": record["name"], "fields": ["name"]}))
        status = body(await client.call_tool("ksef_status", {"invoice": record["name"]}))
        applied = body(await client.call_tool("list_invoice_transactions", {"invoice": record["name"]}))
        missing = await client.call_tool("get_invoice", {"id": "FV/1999/01/0001"})
        unknown_id = await client.call_tool("get_invoice", {"id": "999999"})
    assert by_number["item"] == {"id": record["id"], "name": record["name"]}
    assert status["invoice"] == str(record["id"])
    assert applied["items"] and all(item["invoice"] == record["id"] for item in applied["items"])
    assert "no invoice has the number 'FV/1999/01/0001'" in error_text(missing)
    assert "list_invoices" in error_text(missing)
    assert error_text(unknown_id) == "Not found: invoice 999999. Check the id; list_invoices shows valid ones."


async def test_an_ambiguous_invoice_number_lists_the_candidates(sandbox: Sandbox, make_server: ServerFactory) -> None:
    first, second = sorted(sandbox.store.all("invoices"), key=lambda r: r["id"])[:2]
    sandbox.store.replace("invoices", {**second, "name": first["name"]})
    async with Client(make_server()) as client:
        result = await client.call_tool("get_invoice", {"id": first["name"]})
    text = error_text(result)
    assert f"2 invoices have the number {first['name']!r}" in text
    assert f"id {first['id']}" in text and f"id {second['id']}" in text


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"id": "."}, "id"),
        ({"id": ".."}, "id"),
        ({"id": "   "}, "id"),
        ({"id": "/api/invoices/.."}, "id"),
    ],
)
async def test_odd_ids_are_field_named_input_errors(
    arguments: dict[str, Any], field: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server()) as client:
        result = await client.call_tool("get_invoice", arguments)
    text = error_text(result)
    assert text.startswith(f"{field}: ") and "Internal error" not in text
    assert sandbox.request_log == []


@pytest.mark.parametrize(
    ("tool", "arguments", "phrase"),
    [
        ("reconcile_unmatched", {"date_from": "0001-01-01", "date_to": "2025-01-01"}, "date_from: 0001-01-01 is out"),
        ("list_transactions", {"date_to": "9999-12-31"}, "date_to: 9999-12-31 is out"),
        ("list_invoices", {"limitt": 3}, "limitt is not an argument of this tool"),
        ("reconcile_payment", {"transaction": "txn_1", "bogus": 1}, "bogus is not an argument of this tool"),
    ],
)
async def test_bad_arguments_are_named_in_plain_words(
    tool: str, arguments: dict[str, Any], phrase: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server()) as client:
        result = await client.call_tool(tool, arguments)
    text = error_text(result)
    assert phrase in text, text
    assert "Internal error" not in text and "pydantic" not in text and "type=" not in text
    assert sandbox.request_log == [], "refused before any request"


async def test_batch_preview_names_the_invoices_warns_of_over_payment_and_lists_each_match_once(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    over = next(label for label in truth.reconciliation if label.kind == CaseKind.OVERPAYMENT)
    booked = str((sandbox.store.get("transactions", over.transaction_id) or {})["execDate"])[:10]
    period = {"date_from": booked, "date_to": booked, "dry_run": False}
    async with Client(make_server()) as client:
        first = body(await client.call_tool("reconcile_unmatched", period))
        preview = first["preview"]
        done = body(
            await client.call_tool("reconcile_unmatched", {**period, "confirmation_token": first["confirmation_token"]})
        )
    apply = preview["details"]["apply"]
    assert apply and not any("<function" in line for line in apply)
    assert any(line.startswith(f"{over.transaction_id} ") and " → " in line for line in apply)
    assert any(w.startswith(f"over-payment: {over.transaction_id}: {over.unallocated}") for w in preview["warnings"])
    result = done["result"]
    assert result["auto"] == [], "applied matches are listed once, under applied"
    applied = [line.split(" ", 1)[0] for line in result["applied"]]
    assert over.transaction_id in applied and len(set(applied)) == len(applied)
    assert len(writes(sandbox)) == sum(line.count("(record ") + line.count("; record ") for line in result["applied"])
