"""Every documented operation (flowtly_mcp/data/endpoints.json) answers, with the shape its kind promises."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.sandbox.conftest import client_for, make_sandbox

pytestmark = pytest.mark.anyio

ENDPOINTS = json.loads((Path(__file__).parents[2] / "flowtly_mcp" / "data" / "endpoints.json").read_text())["endpoints"]

IDS = {
    "invoices": "1",
    "invoice-rows": "1",
    "invoice-transactions": "1",
    "clients": "1",
    "client-contacts": "1",
    "client-notes": "cln_1",
    "counterparties": "2",
    "budgets": "bgt_1",
    "budget-groups": "bgg_1",
    "budget-contractors": "bgc_1",
    "budget-employees": "bge_1",
    "budget-invoices": "bgi_1",
    "budget-projects": "bgp_1",
    "budget-transactions": "btr_1",
    "transactions": "txn_1",
    "transaction-attachments": "tat_1",
    "payment-methods": "pm_1",
    "income-transactions": "itx_1",
    "project-transactions": "ptx_1",
}
BUDGET = "/api/budgets/bgt_1"
CREATE: dict[str, dict[str, Any]] = {
    "budget-contractors": {"budget": BUDGET, "counterparty": "/api/counterparties/1", "amount": 100},
    "budget-employees": {"budget": BUDGET, "employee": "/api/employees/emp_1", "amount": 100},
    "budget-groups": {"name": "Operations"},
    "budget-invoices": {"budget": BUDGET, "invoice": "/api/invoices/2", "amount": 54000},
    "budget-projects": {"budget": BUDGET, "project": "/api/projects/prj_1", "amount": 100},
    "budget-transactions": {"budget": BUDGET, "transaction": "/api/transactions/txn_2", "amount": 125000},
    "budgets": {
        "name": "EMEA Marketing FY25",
        "type": "global",
        "granularity": "month",
        "dateFrom": "2024-01-01T00:00:00+00:00",
        "dateTo": "2024-12-31T00:00:00+00:00",
        "budgetGroup": "/api/budget-groups/bgg_1",
        "config": ["spend_alerts", "auto-freeze"],
    },
    "client-contacts": {"client": "/api/clients/2", "type": "primary", "email": "ola@beta.test", "name": "Ola"},
    "client-notes": {"client": "/api/clients/1", "employee": "/api/employees/emp_1", "note": "Call back in May."},
    "clients": {
        "name": "Delta",
        "country": "PL",
        "currency": "/api/currencies/PLN",
        "status": "active",
        "tinType": "NONE",
    },
    "counterparties": {"displayName": "Omega Ltd", "type": "company", "bankAccounts": ["GR1601101250000000012300695"]},
    "income-transactions": {"transaction": "/api/transactions/txn_3", "amount": 10},
    "invoice-rows": {
        "invoice": "/api/invoices/4",
        "productName": "Hosting",
        "unit": "mies.",
        "quantity": 1,
        "vatRate": "23",
        "netPrice": "10.00",
    },
    "invoice-transactions": {
        "invoice": "/api/invoices/1",
        "transaction": "/api/transactions/txn_3",
        "date": "2026-03-15",
    },
    "invoices": {"client": "/api/clients/1"},
    "project-transactions": {"transaction": "/api/transactions/txn_1", "project": "/api/projects/prj_1", "amount": 5},
    "transaction-attachments": {"fileName": "scan.pdf", "amount": 12.5, "currency": "PLN"},
    "transactions": {"amount": 10, "currency": "PLN", "execDate": "2026-03-10"},
}
PATCH: dict[str, dict[str, Any]] = {
    "budget-groups": {"description": "All marketing"},
    "budget-transactions": {"amount": 1000},
    "budgets": {"name": "Renamed"},
    "client-contacts": {"phone": "+48 600 000 000"},
    "client-notes": {"note": "Paid after the reminder."},
    "clients": {"dueDays": 30},
    "counterparties": {"cyclic": True},
    "income-transactions": {"category": "services"},
    "invoice-rows": {"productName": "Consulting (senior)"},
    "invoice-transactions": {"amount": 1230},
    "invoices": {"notes": "Thank you"},
    "payment-methods": {"ccExpYear": 2031},
    "project-transactions": {"share": 50},
    "transaction-attachments": {"documentNumber": "PAR/78"},
    "transactions": {"note": "checked"},
}
DELETE_IDS = {"invoices": "4"}


@dataclass
class Case:
    path: str
    body: Any = None
    content_type: str | None = "application/json"
    query: str = ""
    setup: list[tuple[str, str, Any]] = field(default_factory=list)


SEND_KSEF = ("POST", "/e-invoicing/invoices/1/send", None)
SPECIAL: dict[tuple[str, str], Case] = {
    ("POST", "/counterparties/{id}/merge"): Case("/counterparties/1/merge", {"duplicates": ["/api/counterparties/2"]}),
    ("POST", "/counterparties/enrich-branding-ai"): Case("/counterparties/enrich-branding-ai", {}),
    ("POST", "/counterparties/{id}/enrich-branding-ai"): Case("/counterparties/1/enrich-branding-ai", {}),
    ("POST", "/e-invoices/send"): Case("/e-invoices/send", {"invoices": ["/api/invoices/1", "/api/invoices/4"]}),
    ("GET", "/e-invoicing/invoices/download/xml"): Case("/e-invoicing/invoices/download/xml", query="ids[]=1&ids[]=2"),
    ("GET", "/e-invoicing/invoices/inbound/download/xml"): Case(
        "/e-invoicing/invoices/inbound/download/xml", query="ids[]=1"
    ),
    ("POST", "/e-invoicing/invoices/inbound/queue"): Case("/e-invoicing/invoices/inbound/queue", {}),
    ("POST", "/e-invoicing/invoices/inbound/sync"): Case(
        "/e-invoicing/invoices/inbound/sync", {"dateFrom": "2026-03-01", "dateTo": "2026-03-31"}
    ),
    ("GET", "/e-invoicing/invoices/inbound/{id}/download/upo"): Case("/e-invoicing/invoices/inbound/1/download/upo"),
    ("GET", "/e-invoicing/invoices/inbound/{id}/download/xml"): Case("/e-invoicing/invoices/inbound/1/download/xml"),
    ("POST", "/e-invoicing/invoices/{id}/correction"): Case(
        "/e-invoicing/invoices/1/correction", {"correctionReason": "Wrong quantity"}, setup=[SEND_KSEF]
    ),
    ("GET", "/e-invoicing/invoices/{id}/download/pdf"): Case("/e-invoicing/invoices/1/download/pdf"),
    ("GET", "/e-invoicing/invoices/{id}/download/preview/pdf"): Case("/e-invoicing/invoices/4/download/preview/pdf"),
    ("GET", "/e-invoicing/invoices/{id}/download/upo"): Case("/e-invoicing/invoices/1/download/upo", setup=[SEND_KSEF]),
    ("GET", "/e-invoicing/invoices/{id}/download/xml"): Case("/e-invoicing/invoices/1/download/xml"),
    ("POST", "/e-invoicing/invoices/{id}/send"): Case("/e-invoicing/invoices/1/send", None, content_type=None),
    ("POST", "/e-invoicing/ksef/session"): Case("/e-invoicing/ksef/session", {}),
    ("GET", "/invoices/name/{date}"): Case("/invoices/name/2026-03-16"),
    ("POST", "/invoices/send"): Case("/invoices/send", {"invoices": ["/api/invoices/1", "/api/invoices/3"]}),
    ("POST", "/invoices/{id}/send"): Case("/invoices/1/send", {}),
    ("POST", "/payment-methods/create-setup-intent"): Case("/payment-methods/create-setup-intent", {}),
    ("POST", "/transaction-attachments/create"): Case(
        "/transaction-attachments/create", {"fileName": "r.txt", "content": "aGVsbG8="}
    ),
    ("POST", "/transaction-attachments/{id}/apply-suggestion"): Case(
        "/transaction-attachments/tat_1/apply-suggestion", {}
    ),
    ("POST", "/transaction-attachments/{id}/apply-supplier-suggestion"): Case(
        "/transaction-attachments/tat_1/apply-supplier-suggestion", {}
    ),
    ("POST", "/transaction-attachments/{id}/detach"): Case("/transaction-attachments/tat_1/detach", {}),
    ("POST", "/transaction-attachments/{id}/suggestions/{suggestionId}/apply"): Case(
        "/transaction-attachments/tat_1/suggestions/txn_4/apply", {}
    ),
    ("POST", "/transactions/attachments/zip"): Case(
        "/transactions/attachments/zip",
        {"transactions": ["/api/transactions/txn_4"]},
        setup=[("POST", "/transaction-attachments/tat_1/suggestions/txn_4/apply", {})],
    ),
    ("POST", "/transactions/import"): Case(
        "/transactions/import", {"transactions": [{"amount": 99.5, "currency": "PLN", "execDate": "2026-03-14"}]}
    ),
    ("POST", "/transactions/{id}/suggestions/{suggestionId}/apply"): Case(
        "/transactions/txn_3/suggestions/inv-1/apply", {}
    ),
}


def case_for(endpoint: dict[str, Any]) -> Case:
    method, template, kind = endpoint["method"], endpoint["path"], endpoint["kind"]
    special = SPECIAL.get((method, template))
    if special is not None:
        return special
    family = template.strip("/").split("/")[0]
    record_id = DELETE_IDS.get(family, IDS.get(family, "1")) if method == "DELETE" else IDS.get(family, "1")
    path = re.sub(r"\{id\}", record_id, template)
    if kind == "create":
        return Case(path, CREATE[family])
    if kind == "update":
        return Case(path, PATCH[family], content_type="application/merge-patch+json")
    return Case(path, None, content_type=None)


def check_shape(kind: str, response: httpx2.Response) -> None:
    if kind == "delete":
        assert response.status_code == 204
        assert response.content == b""
        return
    if kind == "download":
        content_type = response.headers["content-type"]
        assert "json" not in content_type
        assert response.content.startswith((b"<?xml", b"PK\x03\x04", b"%PDF-", b":20:"))
        return
    assert response.headers["content-type"].startswith("application/ld+json")
    body = response.json()
    assert isinstance(body["@id"], str)
    assert body["@id"].startswith("/api/")
    if kind == "list":
        assert body["@type"] == "hydra:Collection"
        assert isinstance(body["hydra:member"], list)
        assert body["hydra:totalItems"] >= len(body["hydra:member"])
        for member in body["hydra:member"]:
            assert member["@id"].startswith("/api/")
    else:
        assert isinstance(body["@type"], str)
        assert "@context" in body


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e['method']} {e['path']}" for e in ENDPOINTS])
async def test_documented_operation_answers(endpoint: dict[str, Any]) -> None:
    box = make_sandbox(ksef_steps=0)
    case = case_for(endpoint)
    async with client_for(box) as api:
        for method, path, body in case.setup:
            prepared = await api.request(method, path, json=body)
            assert prepared.status_code < 300, prepared.text
        headers = {"Content-Type": case.content_type} if case.content_type else {}
        content = json.dumps(case.body).encode() if case.body is not None else None
        url = f"{case.path}?{case.query}" if case.query else case.path
        response = await api.request(endpoint["method"], url, content=content, headers=headers)
    box.close()
    assert response.status_code < 300, f"{response.status_code} {response.text[:500]}"
    check_shape(endpoint["kind"], response)


def test_inventory_has_127_operations() -> None:
    assert len({(e["method"], e["path"]) for e in ENDPOINTS}) == 127


def test_docs_give_each_operation_the_status_the_sandbox_answers() -> None:
    box = make_sandbox()
    _, _, body = box.handle("GET", "/docs.json", "", {}, b"")
    box.close()
    paths = json.loads(body)["paths"]
    assert "202" in paths["/e-invoicing/invoices/{id}/send"]["post"]["responses"]
    assert "201" in paths["/transactions/import"]["post"]["responses"]
    assert "204" in paths["/invoices/{id}"]["delete"]["responses"]
    assert "multipart/form-data" in paths["/transaction-attachments/create"]["post"]["requestBody"]["content"]
    patch = paths["/invoices/{id}"]["patch"]["requestBody"]["content"]
    assert list(patch) == ["application/merge-patch+json"]
    create = paths["/clients"]["post"]["requestBody"]["content"]["application/ld+json"]["schema"]
    assert create["required"] == ["country", "currency", "status", "name", "tinType"]
