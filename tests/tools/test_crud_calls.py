"""Every generated CRUD tool called with valid arguments against the seeded sandbox, in both protocol modes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.crud import crud_specs

from .conftest import ServerFactory

pytestmark = pytest.mark.anyio
MODES = ["auto", "legacy"]
CRUD = {spec.name for spec in crud_specs()}


async def _first(client: Client, tool: str, **filters: Any) -> Any:
    result = await client.call_tool(tool, {"limit": 1, **filters})
    assert not result.is_error, (tool, result.content)
    items = (result.structured_content or {})["items"]
    assert items, f"the seeded sandbox has no record for {tool}"
    return items[0]["id"]


async def _bodies(client: Client) -> dict[str, dict[str, Any]]:
    """Valid create arguments for every family, pointing at seeded records."""
    client_id = await _first(client, "list_clients")
    invoice_id = await _first(client, "list_invoices", status=["draft"])
    transaction_id = await _first(client, "list_transactions")
    counterparty_id = await _first(client, "list_counterparties")
    budget_id = await _first(client, "list_budgets")
    row = {"productName": "Audit", "quantity": "1", "unit": "usł.", "netPrice": "1000.00", "vatRate": "23"}
    return {
        "create_invoice": {
            "client": client_id,
            "issueDate": "2026-11-12",
            "dueDate": "2026-11-26",
            "invoiceRows": [row],
        },
        "create_invoice_row": {**row, "invoice": invoice_id},
        "create_invoice_transaction": {"invoice": invoice_id, "amount": "10.00", "date": "2026-11-13"},
        "create_client": {
            "name": "Nowy Klient Sp. z o.o.",
            "country": "PL",
            "currency": "PLN",
            "tinType": "NIP",
            "tin": "8567346215",
            "addressStreetLine": "ul. Prosta 1",
            "addressPostCode": "00-001",
            "addressCity": "Warszawa",
        },
        "create_client_contact": {"client": client_id, "type": "billing", "name": "Anna Nowak", "email": "a@ex.pl"},
        "create_client_note": {"client": client_id, "employee": "emp_1", "note": "Prefers e-mail."},
        "create_counterparty": {"displayName": "Nowy Dostawca", "tin": "5265877635"},
        "create_transaction": {
            "bankAccount": "PL61109010140000071219812874",
            "amount": "123.45",
            "description": "Wpłata testowa",
            "execDate": "2026-11-14",
        },
        "create_income_transaction": {"transaction": transaction_id, "amount": "1.00", "date": "2026-11-14"},
        "create_project_transaction": {"transaction": transaction_id, "project": "prj_1", "share": "50"},
        "create_transaction_attachment": {"fileName": "faktura.pdf", "transaction": transaction_id},
        "create_budget": {"name": "Marketing 2027", "dateFrom": "2027-01-01", "dateTo": "2027-12-31"},
        "create_budget_group": {"name": "Operations"},
        "create_budget_employee": {"budget": budget_id, "employee": "emp_1", "amount": 100000},
        "create_budget_contractor": {"budget": budget_id, "counterparty": counterparty_id, "amount": 50000},
        "create_budget_project": {"budget": budget_id, "project": "prj_1", "amount": 25000},
        "create_budget_invoice": {"budget": budget_id, "invoice": invoice_id, "amount": 1000},
        "create_budget_transaction": {"budget": budget_id, "transaction": transaction_id, "amount": 1200},
    }


UPDATES: dict[str, dict[str, Any]] = {
    "update_invoice": {"notes": "Thank you"},
    "update_invoice_row": {"productName": "Audit (revised)"},
    "update_invoice_transaction": {"amount": "11.00"},
    "update_payment_method": {"ccExpYear": 2030},
    "update_client": {"dueDays": 21},
    "update_client_contact": {"phone": "+48 600 000 000"},
    "update_client_note": {"note": "Prefers phone."},
    "update_counterparty": {"cyclic": True},
    "update_transaction": {"note": "checked"},
    "update_income_transaction": {"category": "services"},
    "update_project_transaction": {"share": "25"},
    "update_transaction_attachment": {"documentNumber": "FV/1/2026"},
    "update_budget": {"name": "Marketing 2027 (rev)"},
    "update_budget_group": {"description": "Ops and IT"},
    "update_budget_transaction": {"amount": 1300},
}


@pytest.mark.parametrize("mode", MODES)
async def test_every_crud_tool_works_with_valid_arguments(
    mode: str, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    called: set[str] = set()
    async with Client(make_server(FLOWTLY_CONFIRM="off"), mode=mode) as client:
        created: dict[str, Any] = {}
        for tool, body in (await _bodies(client)).items():
            result = await client.call_tool(tool, body)
            assert not result.is_error, (tool, result.content)
            content = result.structured_content or {}
            item = content["result"]["item"] if "status" in content else content["item"]
            created[tool.removeprefix("create_")] = item["id"]
            called.add(tool)
        for tool, changes in UPDATES.items():
            noun = tool.removeprefix("update_")
            target = created.get(noun) or await _first(client, f"list_{noun}s".replace("ys", "ies"))
            if noun == "invoice":
                target = created["invoice"]
            result = await client.call_tool(tool, {"id": target, **changes})
            assert not result.is_error, (tool, result.content)
            called.add(tool)
        for spec in crud_specs():
            if spec.name.startswith("get_"):
                noun = spec.name.removeprefix("get_")
                target = created.get(noun) or await _first(client, spec.name.replace("get_", "list_", 1) + "s")
                result = await client.call_tool(spec.name, {"id": target})
                assert not result.is_error, (spec.name, result.content)
                assert str((result.structured_content or {})["item"]["id"]) == str(target)
                called.add(spec.name)
            elif spec.name.startswith("list_"):
                result = await client.call_tool(spec.name, {"limit": 2})
                assert not result.is_error, (spec.name, result.content)
                called.add(spec.name)
            elif spec.name.startswith("delete_"):
                noun = spec.name.removeprefix("delete_")
                if noun in created:
                    result = await client.call_tool(spec.name, {"id": created[noun]})
                    assert not result.is_error, (spec.name, result.content)
                    called.add(spec.name)
    deletes = {name for name in CRUD if name.startswith("delete_")}
    assert CRUD - deletes <= called, f"not called: {sorted(CRUD - deletes - called)}"
