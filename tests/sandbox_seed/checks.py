"""Consistency rules shared by the tests: planted labels against the ledger, and IRIs against the records."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth, NoMatchReason, ReconciliationLabel

from .support import IRI, Dataset, by_id, invoice_gross, iri_id, open_amounts, round_cents

MPP = re.compile(r"^/VAT/(\d+,\d{2})/IDC/(\d{10})/INV/(.+)/TXT/(.*)$")


def _loose(text: str) -> str:
    """Digit groups as integers, reading the letter O as a zero: what survives typical number typos."""
    return " ".join(str(int(group)) for group in re.findall(r"\d+", text.upper().replace("O", "0")))


def unmatched_incoming(data: Dataset) -> set[str]:
    """Money in, not ignored, and applied to no invoice."""
    applied = {entry["transaction"] for entry in data["invoice-transactions"] if entry["transaction"]}
    return {
        t["id"]
        for t in data["transactions"]
        if t["amount"] > 0 and not t["ignored"] and f"/api/transactions/{t['id']}" not in applied
    }


def _client_of(data: Dataset, transaction: dict[str, object]) -> str | None:
    counterparty = transaction["counterparty"]
    if counterparty is None:
        return None
    record = by_id(data, "counterparties")[iri_id(str(counterparty))]
    return str(record["client"]) if record["client"] else None


def check_labels(data: Dataset, truth: GroundTruth) -> None:
    """The consistency rules every label must satisfy, at any size."""
    transactions = by_id(data, "transactions")
    invoices = by_id(data, "invoices")
    open_now = open_amounts(data)
    gross = invoice_gross(data)
    seller_nip = data["organizations"][0]["tin"]
    for label in truth.reconciliation:
        line = transactions[label.transaction_id]
        assert (line["amount"], line["currency"]) == (label.amount, label.currency)
        if label.allocations is None:
            _check_no_match(data, label, line, open_now)
            continue
        assert label.reason is None
        allocated = sum((a.amount for a in label.allocations), Decimal(0))
        assert label.unallocated == label.amount - allocated
        client = _client_of(data, line)
        for allocation in label.allocations:
            invoice = invoices[allocation.invoice_id]
            assert invoice["currency"] == line["currency"]
            assert invoice["status"] != "draft" and invoice["type"] == "VAT"
            assert 0 < allocation.amount <= open_now[allocation.invoice_id]
            if client is not None:
                assert invoice["client"] == client
        numbers = [invoices[a.invoice_id]["name"] for a in label.allocations]
        title = line["description"]
        if label.kind is CaseKind.PARTIAL:
            (allocation,) = label.allocations
            assert allocation.amount == label.amount < open_now[allocation.invoice_id]
            assert label.amount not in open_now.values()
        elif label.kind is CaseKind.OVERPAYMENT:
            (allocation,) = label.allocations
            assert allocation.amount == open_now[allocation.invoice_id] < label.amount
            assert label.unallocated > 0
            assert label.amount not in open_now.values()
        else:
            assert label.unallocated == 0
            assert all(a.amount == open_now[a.invoice_id] for a in label.allocations)
        if label.kind is CaseKind.MPP:
            match = MPP.match(title)
            assert match, title
            vat, idc, number, _ = match.groups()
            (allocation,) = label.allocations
            rows = [r for r in data["invoice-rows"] if r["invoice"] == f"/api/invoices/{allocation.invoice_id}"]
            net = sum((round_cents(r["quantity"] * r["netPrice"] - r["netDiscountAmount"]) for r in rows), Decimal(0))
            assert Decimal(vat.replace(",", ".")) == gross[allocation.invoice_id] - net
            assert (idc, number) == (seller_nip, numbers[0])
        elif label.kind in (CaseKind.EXACT_NUMBER, CaseKind.EUR, CaseKind.PARTIAL, CaseKind.OVERPAYMENT):
            assert all(number in title for number in numbers)
        elif label.kind is CaseKind.TYPO_NUMBER:
            (number,) = numbers
            assert number not in title
            assert _loose(number) in _loose(title)
        elif label.kind is CaseKind.AMOUNT_ONLY:
            assert not re.search(r"\d{4}", title)
            assert list(open_now.values()).count(label.amount) == 1
        elif label.kind is CaseKind.MULTI_INVOICE:
            assert len(label.allocations) in (2, 3)
            if not any(number in title for number in numbers):
                # Without numbers the sum must be the only fit: the client has exactly these open invoices.
                client_open = {i for i, amount in open_now.items() if amount > 0 and invoices[i]["client"] == client}
                assert client_open == {a.invoice_id for a in label.allocations}
                assert label.amount not in open_now.values()
        if label.kind is CaseKind.EUR:
            assert line["currency"] == "EUR"
            assert line["bankAccount"] == data["organizations"][0]["bankAccounts"][1]
        else:
            assert line["currency"] == "PLN"


def _check_no_match(
    data: Dataset, label: ReconciliationLabel, line: dict[str, Any], open_now: dict[int, Decimal]
) -> None:
    invoices = by_id(data, "invoices")
    assert label.unallocated == label.amount
    if label.kind is CaseKind.AMBIGUOUS:
        assert label.reason is NoMatchReason.AMBIGUOUS
        client = _client_of(data, line)
        same = [i for i, amount in open_now.items() if amount == label.amount]
        assert len(same) == 2
        assert all(invoices[i]["client"] == client for i in same)
        assert not any(invoices[i]["name"] in str(line["description"]) for i in same)
    else:
        assert label.kind is CaseKind.UNRELATED
        assert label.reason is NoMatchReason.NOT_A_RECEIVABLE
        assert line["counterpartyRole"] != "client"
        assert label.amount not in open_now.values()


def _iris(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("/api/") else []
    if isinstance(value, list):
        return [iri for item in value for iri in _iris(item)]
    if isinstance(value, dict):
        return [iri for item in value.values() for iri in _iris(item)]
    return []


def count_resolved_iris(data: Dataset) -> int:
    """Check that every IRI in the dataset names an existing record; return how many were checked."""
    known = {(family, str(record["id"])) for family, records in data.items() for record in records}
    checked = 0
    for family, records in data.items():
        for record in records:
            for iri in _iris(record):
                match = IRI.match(iri)
                assert match, (family, iri)
                assert (match.group(1), match.group(2)) in known, (family, record["id"], iri)
                checked += 1
    return checked
