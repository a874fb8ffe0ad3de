"""KSeF: sessions, asynchronous processing driven by reads, rejections, immutability, corrections, files."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import httpx2
import pytest

from flowtly_mcp.sandbox import Sandbox
from tests.sandbox.conftest import MERGE, client_for, make_sandbox
from tests.sandbox.fixture import SELLER_NIP

pytestmark = pytest.mark.anyio

FA = "{http://crd.gov.pl/wzor/2025/06/25/13775/}"
KSEF_NUMBER = re.compile(r"^(\d{10})-(\d{8})-([0-9A-F]{12})-([0-9A-F]{2})$")


def crc8(data: bytes) -> int:
    """CRC-8, polynomial 0x07, initial value 0 (written here again so the test does not trust the code under test)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def assert_valid_ksef_number(number: str, day: str = "20260316") -> None:
    match = KSEF_NUMBER.match(number)
    assert match is not None, number
    assert match.group(1) == SELLER_NIP
    assert match.group(2) == day
    assert int(match.group(4), 16) == crc8(number[:32].encode())


def test_the_crc_helper_agrees_with_the_published_example() -> None:
    assert f"{crc8(b'5265877635-20250826-0100001AF629'):02X}" == "AF"


async def test_session_reference_number_has_ksef_form(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/e-invoicing/ksef/session", json={})
    assert response.status_code == 201
    session = response.json()
    assert len(session["referenceNumber"]) == 36
    assert re.match(r"^20260316-SO-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$", session["referenceNumber"])
    assert session["validUntil"].startswith("2026-03-1")
    assert session["status"]["code"] == 100


async def test_processing_advances_with_reads_until_success(api: httpx2.AsyncClient) -> None:
    sent = await api.post("/api/e-invoicing/invoices/2/send")
    assert sent.status_code == 202
    state = sent.json()
    assert (state["status"], state["statusCode"]) == ("accepted", 100)
    assert len(state["referenceNumber"]) == 36
    assert state["einvoicingNumber"] is None
    first = (await api.get("/api/invoices/2")).json()["eInvoicing"]
    assert (first["status"], first["statusCode"]) == ("processing", 150)
    second = (await api.get("/api/invoices/2")).json()["eInvoicing"]
    assert (second["status"], second["statusCode"]) == ("success", 200)
    assert_valid_ksef_number(second["einvoicingNumber"])
    assert second["acquisitionTimestamp"].startswith("2026-03-16T")
    assert second["upoUrl"] == "/api/e-invoicing/invoices/2/download/upo"
    assert [entry["code"] for entry in second["providerPayload"]] == [100, 150, 200]
    again = (await api.get(state["@id"])).json()
    assert again["einvoicingNumber"] == second["einvoicingNumber"]


async def test_ksef_steps_sets_the_number_of_reads() -> None:
    box = make_sandbox(ksef_steps=3)
    async with client_for(box) as client:
        sent = (await client.post("/api/e-invoicing/invoices/2/send")).json()
        statuses = [(await client.get(sent["@id"])).json()["status"] for _ in range(4)]
    assert statuses == ["processing", "processing", "success", "success"]


async def test_drafts_and_future_issue_dates_are_refused(api: httpx2.AsyncClient) -> None:
    draft = await api.post("/api/e-invoicing/invoices/4/send")
    assert draft.status_code == 422
    assert draft.json()["violations"][0]["propertyPath"] == "status"
    await api.patch(
        "/api/invoices/4", json={"status": "issued", "issueDate": "2026-04-01", "dueDate": "2026-04-15"}, headers=MERGE
    )
    future = await api.post("/api/e-invoicing/invoices/4/send")
    assert future.status_code == 422
    assert future.json()["violations"][0]["propertyPath"] == "issueDate"


async def test_sending_twice_is_a_conflict_naming_the_ksef_state(api: httpx2.AsyncClient) -> None:
    await api.post("/api/e-invoicing/invoices/2/send")
    in_flight = await api.post("/api/e-invoicing/invoices/2/send")
    assert in_flight.status_code == 409
    assert "status accepted" in in_flight.json()["detail"]
    for _ in range(2):
        await api.get("/api/invoices/2")
    done = await api.post("/api/e-invoicing/invoices/2/send")
    assert done.status_code == 409
    number = (await api.get("/api/invoices/2")).json()["eInvoicing"]["einvoicingNumber"]
    assert number in done.json()["detail"]


async def test_buyer_without_address_is_rejected_with_450_and_can_be_resent(api: httpx2.AsyncClient) -> None:
    await api.post("/api/e-invoicing/invoices/5/send")
    for _ in range(2):
        state = (await api.get("/api/invoices/5")).json()["eInvoicing"]
    assert (state["status"], state["statusCode"]) == ("rejected", 450)
    assert "address" in state["rejectionReason"]
    assert state["einvoicingNumber"] is None
    # A rejected invoice was never issued in KSeF: it may still change and be sent again.
    fixed = await api.patch(
        "/api/clients/3", json={"addressStreetLine": "ul. Nowa 1", "addressCity": "Łódź"}, headers=MERGE
    )
    assert fixed.status_code == 200
    assert (await api.patch("/api/invoices/5", json={"notes": "resent"}, headers=MERGE)).status_code == 200
    resent = await api.post("/api/e-invoicing/invoices/5/send")
    assert resent.status_code == 202
    assert resent.json()["id"] == state["id"]
    assert resent.json()["referenceNumber"] != state["referenceNumber"]
    for _ in range(2):
        final = (await api.get("/api/invoices/5")).json()["eInvoicing"]
    assert final["status"] == "success"
    assert_valid_ksef_number(final["einvoicingNumber"])


async def test_a_second_invoice_with_an_accepted_number_is_a_duplicate(api: httpx2.AsyncClient) -> None:
    await api.post("/api/e-invoicing/invoices/2/send")
    for _ in range(2):
        original = (await api.get("/api/invoices/2")).json()["eInvoicing"]
    twin = await api.post(
        "/api/invoices",
        json={"client": "/api/clients/2", "name": "FV/2026/01/0002", "status": "issued", "issueDate": "2026-03-15"},
    )
    twin_id = twin.json()["id"]
    await api.post(f"/api/e-invoicing/invoices/{twin_id}/send")
    for _ in range(2):
        state = (await api.get(f"/api/invoices/{twin_id}")).json()["eInvoicing"]
    assert (state["status"], state["statusCode"]) == ("rejected", 440)
    assert state["providerPayload"][-1]["extensions"]["originalKsefNumber"] == original["einvoicingNumber"]


async def test_ksef_registered_invoices_are_frozen(api: httpx2.AsyncClient) -> None:
    await api.post("/api/e-invoicing/invoices/1/send")
    refused = await api.delete("/api/invoices/1")
    assert refused.status_code == 409
    assert "correction" in refused.json()["detail"]
    patched = await api.patch("/api/invoices/1", json={"dueDate": "2026-05-01", "notes": "ok"}, headers=MERGE)
    assert patched.status_code == 422
    violation = patched.json()["violations"][0]
    assert violation["propertyPath"] == "dueDate"
    assert "use a correction invoice" in violation["message"]
    notes = await api.patch("/api/invoices/1", json={"notes": "reminder sent"}, headers=MERGE)
    assert notes.status_code == 200
    row = await api.patch("/api/invoice-rows/1", json={"netPrice": "1.00"}, headers=MERGE)
    assert row.status_code == 422
    added = await api.post(
        "/api/invoice-rows",
        json={
            "invoice": "/api/invoices/1",
            "productName": "x",
            "unit": "h",
            "quantity": 1,
            "vatRate": "23",
            "netPrice": "1.00",
        },
    )
    assert added.status_code == 422


async def test_correction_needs_a_ksef_number(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/e-invoicing/invoices/1/correction", json={"correctionReason": "Typo"})
    assert response.status_code == 422
    await api.post("/api/e-invoicing/invoices/1/send")
    still_processing = await api.post("/api/e-invoicing/invoices/1/correction", json={"correctionReason": "Typo"})
    assert still_processing.status_code == 422
    missing_reason = await api.post("/api/e-invoicing/invoices/1/correction", json={})
    assert missing_reason.status_code == 422


async def test_correction_to_zero_is_a_kor_invoice_sent_to_ksef() -> None:
    box = make_sandbox(ksef_steps=0)
    async with client_for(box) as client:
        original = (await client.post("/api/e-invoicing/invoices/1/send")).json()
        assert original["status"] == "success"
        response = await client.post("/api/e-invoicing/invoices/1/correction", json={"correctionReason": "Cancelled"})
        assert response.status_code == 201
        correction = response.json()
        parent = (await client.get("/api/invoices/1")).json()
        xml = await client.get(f"/api/e-invoicing/invoices/{correction['id']}/download/xml")
    assert correction["type"] == "KOR"
    assert correction["name"] == "KOR/2026/03/0001"
    assert correction["parent"] == "/api/invoices/1"
    assert correction["correctionReason"] == "Cancelled"
    assert correction["amount"] == -1230
    assert correction["eInvoicing"]["status"] == "success"
    assert_valid_ksef_number(correction["eInvoicing"]["einvoicingNumber"])
    assert parent["childrenInvoices"] == [correction["@id"]]
    root = ET.fromstring(xml.content)
    fa = root.find(f"{FA}Fa")
    assert fa is not None
    assert fa.findtext(f"{FA}RodzajFaktury") == "KOR"
    assert fa.findtext(f"{FA}PrzyczynaKorekty") == "Cancelled"
    assert fa.findtext(f"{FA}DaneFaKorygowanej/{FA}NrKSeFFaKorygowanej") == original["einvoicingNumber"]


async def test_fa3_xml_of_an_issued_invoice(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/e-invoicing/invoices/3/download/xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert not response.content.startswith(b"\xef\xbb\xbf")
    root = ET.fromstring(response.content)
    assert root.tag == f"{FA}Faktura"
    form = root.find(f"{FA}Naglowek/{FA}KodFormularza")
    assert form is not None
    assert form.attrib == {"kodSystemowy": "FA (3)", "wersjaSchemy": "1-0E"}
    assert root.findtext(f"{FA}Podmiot1/{FA}DaneIdentyfikacyjne/{FA}NIP") == SELLER_NIP
    assert root.findtext(f"{FA}Podmiot2/{FA}DaneIdentyfikacyjne/{FA}NIP") == "8567346215"
    fa = root.find(f"{FA}Fa")
    assert fa is not None
    assert fa.findtext(f"{FA}KodWaluty") == "PLN"
    assert fa.findtext(f"{FA}P_1") == "2026-03-11"
    assert fa.findtext(f"{FA}P_2") == "FV/2026/01/0003"
    assert fa.findtext(f"{FA}P_6") == "2026-03-11"
    assert fa.findtext(f"{FA}P_13_1") == "99.00"
    assert fa.findtext(f"{FA}P_14_1") == "22.77"
    assert fa.findtext(f"{FA}P_13_7") == "200.00"
    assert fa.findtext(f"{FA}P_15") == "321.77"
    rows = fa.findall(f"{FA}FaWiersz")
    assert [r.findtext(f"{FA}P_7") for r in rows] == ["Support", "Training"]
    assert [r.findtext(f"{FA}P_11") for r in rows] == ["99.00", "200.00"]
    assert fa.findtext(f"{FA}Platnosc/{FA}FormaPlatnosci") == "6"
    assert fa.findtext(f"{FA}Platnosc/{FA}TerminPlatnosci/{FA}Termin") == "2026-03-25"
    draft = await api.get("/api/e-invoicing/invoices/4/download/xml")
    assert draft.status_code == 409


def assert_valid_pdf(content: bytes, *texts: str) -> None:
    assert content.startswith(b"%PDF-1.4")
    assert content.rstrip().endswith(b"%%EOF")
    startxref = int(content.rsplit(b"startxref", 1)[1].split()[0])
    assert content[startxref:].startswith(b"xref")
    table = content[startxref:].split(b"trailer")[0].splitlines()[3:]
    for number, entry in enumerate(table, start=1):
        offset = int(entry.split()[0])
        assert content[offset:].startswith(f"{number} 0 obj".encode())
    for text in texts:
        assert text.encode() in content


async def test_pdfs_are_real(api: httpx2.AsyncClient) -> None:
    pdf = await api.get("/api/e-invoicing/invoices/3/download/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert_valid_pdf(pdf.content, "FV/2026/01/0003", "Acme Sp. z o.o.", "321.77")
    preview = await api.get("/api/e-invoicing/invoices/4/download/preview/pdf")
    assert_valid_pdf(preview.content, "PREVIEW", "FV/2026/01/0004")
    assert (await api.get("/api/e-invoicing/invoices/4/download/pdf")).status_code == 409


async def test_upo_only_after_success(api: httpx2.AsyncClient) -> None:
    assert (await api.get("/api/e-invoicing/invoices/2/download/upo")).status_code == 404
    await api.post("/api/e-invoicing/invoices/2/send")
    assert (await api.get("/api/e-invoicing/invoices/2/download/upo")).status_code == 409
    for _ in range(2):
        state = (await api.get("/api/invoices/2")).json()["eInvoicing"]
    upo = await api.get("/api/e-invoicing/invoices/2/download/upo")
    assert upo.status_code == 200
    root = ET.fromstring(upo.content)
    namespace = "{http://upo.schematy.mf.gov.pl/KSeF/v4-3}"
    assert root.findtext(f"{namespace}Dokument/{namespace}NumerKSeFDokumentu") == state["einvoicingNumber"]
    assert root.findtext(f"{namespace}Dokument/{namespace}NumerFaktury") == "FV/2026/01/0002"


async def test_inbound_sync_queue_and_downloads(api: httpx2.AsyncClient) -> None:
    synced = await api.post(
        "/api/e-invoicing/invoices/inbound/sync", json={"dateFrom": "2026-03-01", "dateTo": "2026-03-31"}
    )
    assert synced.status_code == 200
    members = synced.json()["hydra:member"]
    assert [m["invoiceNumber"] for m in members] == ["B/2026/7"]
    empty = await api.post(
        "/api/e-invoicing/invoices/inbound/sync", json={"dateFrom": "2025-01-01", "dateTo": "2025-01-31"}
    )
    assert empty.json()["hydra:totalItems"] == 0
    missing = await api.post("/api/e-invoicing/invoices/inbound/sync", json={"dateFrom": "2026-03-01"})
    assert missing.status_code == 422
    queued = await api.post("/api/e-invoicing/invoices/inbound/queue")
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    xml = await api.get("/api/e-invoicing/invoices/inbound/1/download/xml")
    root = ET.fromstring(xml.content)
    assert root.findtext(f"{FA}Podmiot1/{FA}DaneIdentyfikacyjne/{FA}NIP") == "5265877635"
    assert root.findtext(f"{FA}Fa/{FA}P_15") == "615.00"
    upo = await api.get("/api/e-invoicing/invoices/inbound/1/download/upo")
    assert b"5265877635-20250826-0100001AF629-AF" in upo.content
    assert (await api.get("/api/e-invoicing/invoices/inbound/2/download/xml")).status_code == 404


async def test_multi_invoice_download_is_a_zip_of_xml_files(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/e-invoicing/invoices/download/xml?ids[]=1&ids[]=/api/invoices/3")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["FV_2026_01_0001.xml", "FV_2026_01_0003.xml"]
    for name in archive.namelist():
        ET.fromstring(archive.read(name))
    inbound = await api.get("/api/e-invoicing/invoices/inbound/download/xml?ids[]=1")
    assert len(zipfile.ZipFile(io.BytesIO(inbound.content)).namelist()) == 1
    assert (await api.get("/api/e-invoicing/invoices/download/xml")).status_code == 400


async def test_bulk_e_invoice_send(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/api/e-invoices/send", json={"invoices": ["/api/invoices/1", "/api/invoices/4", "/api/invoices/1"]}
    )
    assert response.status_code == 202
    body = response.json()
    assert body["total"] == 2
    assert [r["accepted"] for r in body["results"]] == [True, False]
    assert body["results"][1]["status"] == 422


async def test_every_ksef_number_issued_carries_a_valid_crc(sandbox: Sandbox) -> None:
    async with client_for(sandbox) as client:
        for invoice_id in (1, 2, 3):
            await client.post(f"/api/e-invoicing/invoices/{invoice_id}/send")
        for invoice_id in (1, 2, 3):
            for _ in range(2):
                await client.get(f"/api/invoices/{invoice_id}")
    numbers = [r["einvoicingNumber"] for r in sandbox.store.all("e-invoicing") if r.get("direction") == "outbound"]
    assert len(numbers) == 3
    assert len(set(numbers)) == 3
    for number in numbers:
        assert_valid_ksef_number(number)
