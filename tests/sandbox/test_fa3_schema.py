"""FA(3) documents that KSeF's own schema accepts (the official XSD files), and a KSeF that refuses the others."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import httpx2
import pytest

from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.sandbox.files.fa3_schema import schema_problems
from flowtly_mcp.sandbox.handlers.ksef_files import inbound_xml_bytes, invoice_xml
from tests.sandbox.conftest import client_for, make_sandbox

FA = "{http://crd.gov.pl/wzor/2025/06/25/13775/}"


def test_every_document_of_the_seeded_sandbox_validates_against_the_official_schema() -> None:
    box = Sandbox(SandboxConfig(today=date(2026, 11, 20)))
    try:
        invoices = [invoice for invoice in box.store.all("invoices") if invoice.get("status") != "draft"]
        inbound = [state for state in box.store.all("e-invoicing") if state.get("direction") == "inbound"]
        assert len(invoices) > 400 and inbound
        failures = {
            str(invoice.get("name")): problems
            for invoice in invoices
            if (problems := schema_problems(invoice_xml(box.world, invoice)))
        }
        failures |= {
            str(state["id"]): problems
            for state in inbound
            if (problems := schema_problems(inbound_xml_bytes(box.world, state)))
        }
        assert failures == {}
        codes = {
            rate.text
            for invoice in invoices
            for rate in ET.fromstring(invoice_xml(box.world, invoice)).iter(f"{FA}P_12")
        }
        assert {"0 KR", "0 WDT", "np I", "np II"} & codes  # the seed has zero-rated and non-taxable sales
        assert not {"0", "np"} & codes
    finally:
        box.close()


def test_the_schema_check_is_real() -> None:
    assert schema_problems(b'<?xml version="1.0"?><Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"/>')


def _client(name: str, country: str, tin_type: str, tin: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "country": country,
        "currency": "/api/currencies/EUR",
        "status": "active",
        "tinType": tin_type,
        "tin": tin,
        "addressStreetLine": "1 Main Street",
        "addressCity": "Lyon",
        "addressPostCode": "69001",
        "addressCountry": country,
    }


def _rows(*rates: str, name: str = "Consulting") -> list[dict[str, Any]]:
    return [{"productName": name, "unit": "h", "quantity": 2, "vatRate": rate, "netPrice": "100.00"} for rate in rates]


async def _issued_xml(api: httpx2.AsyncClient, client: dict[str, Any], *rates: str) -> ET.Element:
    created_client = await api.post("/api/clients", json=client)
    assert created_client.status_code == 201, created_client.text
    invoice = await api.post(
        "/api/invoices",
        json={
            "client": created_client.json()["@id"],
            "issueDate": "2026-03-10",
            "status": "issued",
            "currency": "EUR",
            "invoiceRows": _rows(*rates),
        },
    )
    assert invoice.status_code == 201, invoice.text
    xml = await api.get(f"/api/e-invoicing/invoices/{invoice.json()['id']}/download/xml")
    assert xml.status_code == 200, xml.text
    assert schema_problems(xml.content) == []
    return ET.fromstring(xml.content)


def _buyer_ids(root: ET.Element) -> dict[str, str | None]:
    ids = root.find(f"{FA}Podmiot2/{FA}DaneIdentyfikacyjne")
    assert ids is not None
    return {child.tag.removeprefix(FA): child.text for child in ids}


def _rates(root: ET.Element) -> list[str | None]:
    return [rate.text for rate in root.iter(f"{FA}P_12")]


@pytest.mark.anyio
async def test_an_eu_buyer_gets_its_vat_number_split_and_eu_rate_codes(sandbox: Sandbox) -> None:
    async with client_for(sandbox) as api:
        root = await _issued_xml(api, _client("Lumière SARL", "FR", "VAT", "FR49649061512"), "0", "np")
    assert _buyer_ids(root) == {"KodUE": "FR", "NrVatUE": "49649061512", "Nazwa": "Lumière SARL"}
    assert _rates(root) == ["0 WDT", "np II"]
    totals = root.find(f"{FA}Fa")
    assert totals is not None
    assert totals.findtext(f"{FA}P_13_6_2") == "200.00"
    assert totals.findtext(f"{FA}P_13_9") == "200.00"


@pytest.mark.anyio
async def test_a_buyer_outside_the_eu_gets_export_codes_and_a_foreign_id(sandbox: Sandbox) -> None:
    async with client_for(sandbox) as api:
        root = await _issued_xml(api, _client("Acme Inc.", "US", "VAT", "98-7654321"), "0", "np")
    assert _buyer_ids(root) == {"KodKraju": "US", "NrID": "987654321", "Nazwa": "Acme Inc."}
    assert _rates(root) == ["0 EX", "np I"]


@pytest.mark.anyio
async def test_a_domestic_buyer_gets_the_domestic_zero_rate_and_an_exemption_basis(sandbox: Sandbox) -> None:
    async with client_for(sandbox) as api:
        root = await _issued_xml(api, _client("Krajowa Sp. z o.o.", "PL", "NIP", "8567346215"), "0", "zw", "oo")
    assert _buyer_ids(root)["NIP"] == "8567346215"
    assert _rates(root) == ["0 KR", "zw", "oo"]
    notes = root.find(f"{FA}Fa/{FA}Adnotacje")
    assert notes is not None
    assert notes.findtext(f"{FA}Zwolnienie/{FA}P_19") == "1"
    assert notes.findtext(f"{FA}P_18") == "1"  # reverse charge


@pytest.mark.anyio
async def test_ksef_rejects_a_document_the_schema_rejects_as_a_file_verification_failure() -> None:
    box = make_sandbox(ksef_steps=1)
    async with client_for(box) as api:
        invoice = await api.post(
            "/api/invoices",
            json={
                "client": "/api/clients/1",
                "issueDate": "2026-03-10",
                "status": "issued",
                "invoiceRows": _rows("23", name="Consulting " + "x" * 600),  # P_7 holds at most 512 characters
            },
        )
        assert invoice.status_code == 201, invoice.text
        sent = await api.post(f"/api/e-invoicing/invoices/{invoice.json()['id']}/send")
        assert sent.status_code == 202
        state = (await api.get(sent.json()["@id"])).json()
    assert (state["status"], state["statusCode"]) == ("rejected", 450)
    assert state["einvoicingNumber"] is None
    assert "niezgodny ze schematem FA(3)" in state["rejectionReason"]
    assert "P_7" in state["rejectionReason"]
    assert state["providerPayload"][-1]["details"][0] == state["rejectionReason"]
    box.close()


def test_a_calendar_before_fa3_took_effect_still_produces_valid_documents() -> None:
    box = make_sandbox(today=date(2025, 4, 15))
    try:
        invoice = next(i for i in box.store.all("invoices") if i.get("status") != "draft")
        document = invoice_xml(box.world, invoice)
        assert schema_problems(document) == []
        assert b"<DataWytworzeniaFa>2025-09-01T00:00:00Z</DataWytworzeniaFa>" in document
    finally:
        box.close()
