"""The lighter invoice reader that streaming reports use gives the very reports the full reader gives."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.endpoints import LIST_INVOICES
from flowtly_mcp.api.settings import ApiSettings
from flowtly_mcp.finance.aging import aging_report, overdue, top_debtors
from flowtly_mcp.finance.allocation import as_of
from flowtly_mcp.finance.records import AppliedPayment, InvoiceView
from flowtly_mcp.finance.wire import FieldReader, iri_id
from flowtly_mcp.sandbox import Sandbox, SandboxConfig

DAY = dt.date(2026, 11, 16)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """Every invoice as the API serves it (the sandbox over its ASGI app, through the project's client)."""
    sandbox = Sandbox(SandboxConfig(today=DAY))
    settings = ApiSettings(base_url="http://sandbox.test", token=SecretStr(sandbox.config.token))

    async def read() -> list[dict[str, Any]]:
        async with FlowtlyClient(settings, transport=httpx2.ASGITransport(app=sandbox.app)) as api:
            return await api.fetch_all(LIST_INVOICES.path())

    found = asyncio.run(read())
    assert len(found) > 100
    return found


def test_reports_agree_with_the_full_reader(records: list[dict[str, Any]]) -> None:
    full = as_of([InvoiceView.from_api(record) for record in records], DAY)
    light = as_of([InvoiceView.for_receivables(record) for record in records], DAY)
    assert aging_report(light, DAY, "client", True) == aging_report(full, DAY, "client", True)
    assert overdue(light, DAY, 1) == overdue(full, DAY, 1)
    assert top_debtors(light, DAY, 20) == top_debtors(full, DAY, 20)


def test_an_invoice_without_gross_or_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="amount"):
        InvoiceView.for_receivables({"id": 2, "currency": "PLN"})


def _payment_by_field_reader(data: dict[str, Any], invoice_id: str) -> AppliedPayment:
    """An applied payment read with FieldReader alone, as the readers did before they took short cuts."""
    reader = FieldReader(data, "invoice transaction")
    return AppliedPayment(
        id=iri_id(data),
        invoice_id=reader.relation("invoice") or invoice_id,
        transaction_id=reader.relation("transaction"),
        amount=reader.amount("amount") or Decimal(0),
        date=reader.day("date", "createdAt"),
    )


UNUSUAL_INVOICES: list[dict[str, Any]] = [
    {"id": " 7 ", "client": "/api/clients/3?view=full", "currency": "/api/currencies/eur", "amount": "1 234,50"},
    {"@id": "/api/invoices/8", "client": "/api/clients/4/", "currency": None, "amount": 12, "name": "", "number": 9},
    {"id": 9, "client": {"@id": "/api/clients/5"}, "amount": Decimal("10.00"), "name": "  ", "dueDate": ""},
    {"id": 10, "client": 6, "amount": 10.25, "issueDate": "2026-01-05", "dueDate": "2026-02-05T10:00:00+01:00"},
    {"id": 11, "client": "", "amount": Decimal("5"), "conversionRate": "4,30", "status": " sent ", "type": 3},
    {
        "id": 12,
        "client": "/api/clients/7#x",
        "amount": Decimal("100.00"),
        "invoiceTransactions": [
            "/api/invoice-transactions/1",
            {"@id": "/api/invoice-transactions/2", "amount": None, "date": "", "createdAt": "2026-03-01T08:00:00Z"},
            {"id": 3, "invoice": "/api/invoices/99", "transaction": "/api/transactions/t 1 ", "amount": "40.5"},
            {"id": "4", "transaction": {"id": "t2"}, "amount": 7, "date": "2026-03-02"},
        ],
    },
]


@pytest.mark.parametrize("record", UNUSUAL_INVOICES, ids=lambda record: str(record.get("id") or record["@id"]))
def test_the_quick_reader_reads_every_shape_as_the_field_reader_does(record: dict[str, Any]) -> None:
    full = InvoiceView.from_api(record)
    light = InvoiceView.for_receivables(record)
    for field in ("id", "number", "type", "client_id", "currency", "conversion_rate", "issue_date", "due_date"):
        assert getattr(light, field) == getattr(full, field), field
    assert (light.gross, light.status, light.unresolved_payments) == (full.gross, full.status, full.unresolved_payments)
    payments = [item for item in record.get("invoiceTransactions", []) if isinstance(item, dict)]
    expected = tuple(_payment_by_field_reader(item, full.id) for item in payments)
    assert light.payments == full.payments == expected
    assert light.paid == sum((payment.amount for payment in expected), Decimal(0))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dueDate": "soon"}, "invoice 5: field 'dueDate' is not an ISO date: 'soon'"),
        ({"amount": "ten"}, "invoice 5: field 'amount' is not an amount: 'ten'"),
        ({"amount": True}, "invoice 5: field 'amount' is not an amount: True"),
        ({"conversionRate": Decimal("NaN")}, "invoice 5: field 'conversionRate' is not an amount: Decimal('NaN')"),
        (
            {"invoiceTransactions": [{"id": 8, "amount": 1, "date": "2026-13-01"}]},
            "invoice transaction 8: field 'date' is not an ISO date: '2026-13-01'",
        ),
        ({"id": None, "@id": None}, "invoice: neither 'id' nor '@id' holds an identifier"),
    ],
)
def test_the_quick_reader_refuses_what_the_field_reader_refuses(change: dict[str, Any], message: str) -> None:
    record = {"id": 5, "amount": Decimal("10"), "client": "/api/clients/1", **change}
    with pytest.raises(ValueError) as full:
        InvoiceView.from_api(record)
    with pytest.raises(ValueError) as light:
        InvoiceView.for_receivables(record)
    assert str(light.value) == str(full.value) == message
