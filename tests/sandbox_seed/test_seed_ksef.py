"""KSeF state of each invoice in the truth matches its e-invoicing record."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from flowtly_mcp.sandbox.seed import GroundTruth, KsefState

from .support import Dataset, by_id, iri_id

ANCHOR = date(2026, 11, 16)
STATUS_CODES = {"accepted": 100, "processing": 150, "success": 200, "rejected": 450}


def _outbound(data: Dataset) -> dict[int, dict[str, Any]]:
    records: dict[int, dict[str, Any]] = {}
    for record in data["e-invoicing"]:
        if record["direction"] == "outbound":
            invoice_id = iri_id(record["invoice"])
            assert invoice_id not in records
            records[invoice_id] = record
    return records


def test_states_match_records(data: Dataset, truth: GroundTruth) -> None:
    outbound = _outbound(data)
    assert set(truth.ksef_states) == {invoice["id"] for invoice in data["invoices"]}
    for invoice_id, state in truth.ksef_states.items():
        record = outbound.get(invoice_id)
        if state is KsefState.NOT_SENT:
            assert record is None
            continue
        assert record is not None
        assert (record["status"], record["statusCode"]) == (state.value, STATUS_CODES[state.value])
        assert record["provider"] == "ksef"
        assert bool(record["einvoicingNumber"]) == (state is KsefState.SUCCESS)
        assert bool(record["upoUrl"]) == (state is KsefState.SUCCESS)
    counts = Counter(truth.ksef_states.values())
    assert counts[KsefState.SUCCESS] > 0.9 * len(truth.ksef_states)
    assert counts[KsefState.REJECTED] == 2
    assert counts[KsefState.PROCESSING] == counts[KsefState.ACCEPTED] == 1
    assert counts[KsefState.NOT_SENT] >= 4


def test_drafts_and_recent_invoices(data: Dataset, truth: GroundTruth) -> None:
    for invoice in data["invoices"]:
        state = truth.ksef_states[invoice["id"]]
        if invoice["status"] == "draft":
            assert state is KsefState.NOT_SENT
        if invoice["status"] == "sent":
            assert state is KsefState.SUCCESS
        if state in (KsefState.ACCEPTED, KsefState.PROCESSING):
            assert date.fromisoformat(invoice["issueDate"][:10]) >= ANCHOR - timedelta(days=7)
    not_sent_issued = [
        i for i in data["invoices"] if i["status"] != "draft" and truth.ksef_states[i["id"]] is KsefState.NOT_SENT
    ]
    assert len(not_sent_issued) >= 2
    assert all(date.fromisoformat(i["issueDate"][:10]) >= ANCHOR - timedelta(days=7) for i in not_sent_issued)


def test_rejections_are_buyers_without_address(data: Dataset, truth: GroundTruth) -> None:
    invoices = by_id(data, "invoices")
    records = by_id(data, "e-invoicing")
    clients = by_id(data, "clients")
    assert len(truth.ksef_rejections) == 2
    for rejection in truth.ksef_rejections:
        record = records[rejection.e_invoicing_id]
        assert iri_id(record["invoice"]) == rejection.invoice_id
        assert record["rejectionReason"] == rejection.reason
        assert rejection.status_code == record["statusCode"] == 450
        assert "Podmiot2/Adres" in rejection.reason and "address" in rejection.reason
        invoice = invoices[rejection.invoice_id]
        assert invoice["status"] == "issued"
        client_id = iri_id(invoice["client"])
        assert client_id in truth.clients_without_address
        assert clients[client_id]["addressStreetLine"] is None
        assert record["providerPayload"][-1]["code"] == 450
    assert set(truth.rejected_invoice_ids) == {i for i, s in truth.ksef_states.items() if s is KsefState.REJECTED}


def test_corrections_have_their_own_numbers(data: Dataset, truth: GroundTruth) -> None:
    invoices = by_id(data, "invoices")
    outbound = _outbound(data)
    corrections = [i for i in invoices.values() if i["type"] == "KOR"]
    assert len(truth.ksef_corrections) == len(corrections) >= 3
    for correction in truth.ksef_corrections:
        assert invoices[correction.invoice_id]["parent"] == f"/api/invoices/{correction.parent_id}"
        assert outbound[correction.invoice_id]["einvoicingNumber"] == correction.ksef_number
        assert outbound[correction.parent_id]["einvoicingNumber"] == correction.parent_ksef_number
        assert correction.ksef_number != correction.parent_ksef_number
        assert (
            outbound[correction.parent_id]["acquisitionTimestamp"]
            < outbound[correction.invoice_id]["acquisitionTimestamp"]
        )


def test_inbound_purchase_invoices(data: Dataset) -> None:
    inbound = [record for record in data["e-invoicing"] if record["direction"] == "inbound"]
    assert len(inbound) >= 50
    for record in inbound:
        assert record["invoice"] is None
        assert record["sellerName"] and record["invoiceNumber"]
        assert record["issueDate"] >= "2026-02-01"
        assert record["amount"] > 0 and record["currency"] == "PLN"
        assert record["einvoicingNumber"].startswith(record["sellerTin"] + "-")
    assert len({record["sellerTin"] for record in inbound}) >= 10
    ids = [record["id"] for record in data["e-invoicing"]]
    stamps = [record["acquisitionTimestamp"] for record in data["e-invoicing"]]
    assert ids == sorted(ids) and stamps == sorted(stamps)
