"""Consistency rules shared by the tests: planted labels against the ledger, and IRIs against the records."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations
from typing import Any

from flowtly_mcp.sandbox.seed import CaseKind, GroundTruth, NoMatchReason, ReconciliationLabel

from .support import IRI, Dataset, by_id, invoice_gross, iri_id, open_amounts, round_cents

MPP = re.compile(r"^/VAT/(\d+,\d{2})/IDC/(\d{10})/INV/(.+)/TXT/(.*)$")
DECOYS = (CaseKind.TWO_CLIENTS, CaseKind.UNKNOWN_NUMBER, CaseKind.NAME_ONLY, CaseKind.OTHER_CURRENCY)


def _account_currency(data: Dataset, account: str) -> str:
    """The currency of one of the seller's accounts, as its invoices say (each account takes one currency)."""
    (currency,) = {i["currency"] for i in data["invoices"] if i["bankAccount"] == account}
    return str(currency)


def _check_account(data: Dataset, label: ReconciliationLabel, line: dict[str, Any]) -> None:
    """The money arrived in the seller's account for the labelled currency."""
    assert line["bankAccount"] in data["organizations"][0]["bankAccounts"]
    assert _account_currency(data, line["bankAccount"]) == label.currency
    if label.kind is CaseKind.EUR:
        assert label.currency == "EUR"


def _fits(data: Dataset, open_now: dict[int, Decimal], client: str, currency: str, amount: Decimal) -> list[set[int]]:
    """Every set of 1, 2 or 3 open invoices of `client` in `currency` whose open amounts add up to `amount`."""
    invoices = by_id(data, "invoices")
    own = [
        (i, left)
        for i, left in open_now.items()
        if left > 0 and invoices[i]["client"] == client and invoices[i]["currency"] == currency
    ]
    return [
        {i for i, _ in combo}
        for size in (1, 2, 3)
        for combo in combinations(own, size)
        if sum((left for _, left in combo), Decimal(0)) == amount
    ]


def _check_decoy(data: Dataset, label: ReconciliationLabel, line: dict[str, Any], open_now: dict[int, Decimal]) -> None:
    """Each decoy is what its kind says: tempting by amount, and missing exactly one thing a match needs."""
    invoices = by_id(data, "invoices")
    same = [i for i, left in open_now.items() if left == label.amount]
    client = _client_of(data, line)
    if label.kind is CaseKind.TWO_CLIENTS:
        assert label.reason is NoMatchReason.AMBIGUOUS and client is None
        assert len(same) == 2 and len({invoices[i]["client"] for i in same}) == 2
        assert all(invoices[i]["currency"] == label.currency for i in same)
    elif label.kind is CaseKind.NAME_ONLY:
        assert label.reason is NoMatchReason.PAYER_UNCERTAIN and client is None
        (only,) = same
        name = by_id(data, "clients")[iri_id(invoices[only]["client"])]["name"]
        assert name in line["description"]
    elif label.kind is CaseKind.UNKNOWN_NUMBER:
        assert label.reason is NoMatchReason.NO_SUCH_INVOICE and client is not None
        assert len(_fits(data, open_now, client, label.currency, label.amount)) == 1
        number = line["description"].rsplit(" ", 1)[1]
        assert re.fullmatch(r"FV/\d{4}/\d{2}/\d{4}", number)
        assert number not in {invoice["name"] for invoice in data["invoices"]}
    else:
        assert label.kind is CaseKind.OTHER_CURRENCY
        assert label.reason is NoMatchReason.NO_RATE and client is not None
        tempting = [i for i in same if invoices[i]["client"] == client]
        assert len(tempting) == 1 and invoices[tempting[0]]["currency"] != label.currency


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
        assert line["amount"] == label.amount  # the currency is the account's: see _check_account
        if label.allocations is None:
            _check_no_match(data, label, line, open_now)
            continue
        assert label.reason is None
        allocated = sum((a.amount for a in label.allocations), Decimal(0))
        assert label.unallocated == label.amount - allocated
        client = _client_of(data, line)
        for allocation in label.allocations:
            invoice = invoices[allocation.invoice_id]
            assert invoice["currency"] == label.currency
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
            assert client is not None
            # The payer's open invoices in the currency fit the amount one way only: this invoice.
            assert _fits(data, open_now, client, label.currency, label.amount) == [
                {a.invoice_id for a in label.allocations}
            ]
        elif label.kind is CaseKind.MULTI_INVOICE:
            assert len(label.allocations) in (2, 3)
            if not any(number in title for number in numbers):
                # Without numbers the sum must be the only fit among the payer's open invoices.
                assert client is not None
                fits = _fits(data, open_now, client, label.currency, label.amount)
                assert fits == [{a.invoice_id for a in label.allocations}]
        _check_account(data, label, line)


def _check_no_match(
    data: Dataset, label: ReconciliationLabel, line: dict[str, Any], open_now: dict[int, Decimal]
) -> None:
    invoices = by_id(data, "invoices")
    assert label.unallocated == label.amount
    _check_account(data, label, line)
    if label.kind in DECOYS:
        _check_decoy(data, label, line, open_now)
        return
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
