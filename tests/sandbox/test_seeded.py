"""The sandbox on the seed generator's dataset: everything loads, renders, links up and behaves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import httpx2
import pytest

from flowtly_mcp.sandbox import Profile, Sandbox, SandboxConfig
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.schema import Kind
from tests.sandbox.test_ksef import crc8

pytest.importorskip("flowtly_mcp.sandbox.seed")
pytestmark = pytest.mark.anyio

TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def seeded() -> Iterator[Sandbox]:
    box = Sandbox(SandboxConfig(token="seed-token", today=TODAY, profile=Profile.EXTENDED))
    yield box
    box.close()


def client(box: Sandbox) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=box.app),
        base_url="http://sandbox",
        headers={"Authorization": "Bearer seed-token"},
    )


def test_the_seed_fills_every_family(seeded: Sandbox) -> None:
    for family in ("invoices", "invoice-rows", "clients", "counterparties", "transactions", "e-invoicing"):
        assert seeded.store.count(family) > 0, family


def test_every_relation_in_the_seed_points_at_a_record(seeded: Sandbox) -> None:
    dangling = []
    for family, resource in RESOURCES.items():
        relations = [f for f in resource.fields if f.kind is Kind.IRI and f.target in RESOURCES]
        for record in seeded.store.all(family):
            for field in relations:
                value = record.get(field.name)
                if value is None:
                    continue
                match = re.fullmatch(rf"/api/{field.target}/([^/]+)", str(value))
                if match is None or seeded.store.get(str(field.target), match.group(1)) is None:
                    dangling.append((family, record["id"], field.name, value))
    assert dangling == []


def test_seeded_ksef_numbers_are_well_formed(seeded: Sandbox) -> None:
    numbers = [r["einvoicingNumber"] for r in seeded.store.all("e-invoicing") if r.get("status") == "success"]
    assert numbers
    for number in numbers:
        assert re.fullmatch(r"[0-9]{10}-[0-9]{8}-[0-9A-F]{12}-[0-9A-F]{2}", number), number
        assert int(number[-2:], 16) == crc8(number[:32].encode()), number


async def test_every_collection_answers_with_all_its_records(seeded: Sandbox) -> None:
    async with client(seeded) as api:
        for family in RESOURCES:
            if family == "e-invoicing":
                continue
            response = await api.get(f"/api/{family}")
            assert response.status_code == 200, family
            assert response.json()["hydra:totalItems"] == seeded.store.count(family), family


async def test_every_invoice_renders_with_consistent_amounts(seeded: Sandbox) -> None:
    statuses = {"draft", "issued", "sent", "partially_paid", "paid", "overdue"}
    async with client(seeded) as api:
        page = 1
        seen = 0
        while True:
            body = (await api.get(f"/api/invoices?itemsPerPage=100&page={page}")).json()
            for invoice in body["hydra:member"]:
                seen += 1
                assert invoice["status"] in statuses
                gross = sum(float(row["grossAmount"]) for row in invoice["invoiceRows"])
                assert abs(invoice["amount"] - gross) < 0.005
                assert abs(invoice["openAmount"] - (invoice["amount"] - invoice["paidAmount"])) < 0.005
            if "hydra:next" not in body.get("hydra:view", {}):
                break
            page += 1
    assert seen == seeded.store.count("invoices")


async def test_a_seeded_issued_invoice_goes_through_ksef() -> None:
    box = Sandbox(SandboxConfig(token="seed-token", today=TODAY, ksef_steps=1))
    candidates = [
        r
        for r in box.store.all("invoices")
        if r.get("status") in ("issued", "sent")
        and not any(e.get("invoice") == f"/api/invoices/{r['id']}" for e in box.store.all("e-invoicing"))
    ]
    assert candidates
    accepted = 0
    async with client(box) as api:
        for invoice in candidates[:3]:
            sent = await api.post(f"/api/e-invoicing/invoices/{invoice['id']}/send")
            assert sent.status_code in (202, 422), sent.text
            if sent.status_code == 202:
                accepted += 1
                state = (await api.get(sent.json()["@id"])).json()
                assert state["status"] in ("success", "rejected")
                if state["status"] == "success":
                    number = state["einvoicingNumber"]
                    assert int(number[-2:], 16) == crc8(number[:32].encode())
    box.close()
    assert accepted >= 1
