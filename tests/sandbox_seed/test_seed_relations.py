"""Every IRI in the dataset points at a record that exists, and the relations agree with each other."""

from __future__ import annotations

from decimal import Decimal

from .checks import count_resolved_iris
from .support import Dataset, by_id, invoice_gross, iri_id


def test_every_iri_resolves(data: Dataset) -> None:
    assert count_resolved_iris(data) > 5000


def test_every_invoice_belongs_to_a_client_and_rows_to_invoices(data: Dataset) -> None:
    clients = by_id(data, "clients")
    for invoice in data["invoices"]:
        client = clients[iri_id(invoice["client"])]
        assert invoice["tin"] == client["tin"]
        assert invoice["currency"] == client["currency"].rsplit("/", 1)[1]


def test_applied_payments_fit_their_bank_lines(data: Dataset) -> None:
    transactions = by_id(data, "transactions")
    invoices = by_id(data, "invoices")
    applied: dict[str, Decimal] = {}
    for entry in data["invoice-transactions"]:
        invoice = invoices[iri_id(entry["invoice"])]
        assert invoice["status"] != "draft"
        if entry["transaction"] is None:
            assert invoice["paymentMethod"] == "card"
            continue
        line = transactions[entry["transaction"].rsplit("/", 1)[1]]
        assert line["currency"] == invoice["currency"]
        assert line["counterpartyRole"] == "client"
        assert entry["date"] == line["execDate"]
        applied[line["id"]] = applied.get(line["id"], Decimal(0)) + entry["amount"]
    for transaction_id, total in applied.items():
        amount = transactions[transaction_id]["amount"]
        assert abs(total) <= abs(amount)
        assert (total > 0) == (amount > 0)


def test_no_invoice_is_paid_beyond_its_gross(data: Dataset) -> None:
    gross = invoice_gross(data)
    paid: dict[int, Decimal] = {}
    for entry in data["invoice-transactions"]:
        paid[iri_id(entry["invoice"])] = paid.get(iri_id(entry["invoice"]), Decimal(0)) + entry["amount"]
    for invoice_id, amount in paid.items():
        assert abs(amount) <= abs(gross[invoice_id])


def test_budget_records_reference_spending_in_their_period(data: Dataset) -> None:
    budgets = by_id(data, "budgets")
    transactions = by_id(data, "transactions")
    for entry in data["budget-transactions"]:
        budget = budgets[entry["budget"].rsplit("/", 1)[1]]
        line = transactions[entry["transaction"].rsplit("/", 1)[1]]
        assert line["amount"] < 0
        assert budget["dateFrom"] <= line["execDate"] <= budget["dateTo"]
    for entry in data["project-transactions"]:
        assert entry["share"] in (100, 60, 40)
