"""Client statement: opening balance, date-ordered lines with a running balance, closing balance per currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from flowtly_mcp.finance.records import AppliedPayment, InvoiceView
from flowtly_mcp.finance.statement import client_statement

from .builders import invoice_json


def with_payments(record: dict[str, Any], *payments: tuple[str, str]) -> InvoiceView:
    record["invoiceTransactions"] = [
        {"id": n, "amount": amount, "date": day} for n, (day, amount) in enumerate(payments)
    ]
    return InvoiceView.from_api(record)


def ledger() -> list[InvoiceView]:
    correction = invoice_json(6, "KOR/1", "-50.00", client=1, issued="2026-10-20")
    correction["type"] = "KOR"
    return [
        with_payments(
            invoice_json(1, "FV/1", "1000.00", client=1, issued="2026-09-15"),
            ("2026-09-20", "400.00"),
            ("2026-10-05", "600.00"),
        ),
        with_payments(invoice_json(2, "FV/2", "500.00", client=1, issued="2026-10-10"), ("2026-10-10", "200.00")),
        with_payments(invoice_json(3, "FV/3", "300.00", client=1, issued="2026-11-02")),
        with_payments(invoice_json(4, "FV/4", "100.00", client=1, currency="EUR", issued="2026-10-03")),
        with_payments(invoice_json(5, "FV/5", "900.00", client=1, status="draft", issued="2026-10-04")),
        with_payments(invoice_json(7, "FV/7", "800.00", client=2, issued="2026-10-04"), ("2026-10-06", "800.00")),
        InvoiceView.from_api(correction),
    ]


def test_statement_lines_running_balance_and_closing_balance() -> None:
    statement = client_statement(ledger(), None, "1", date(2026, 10, 1), date(2026, 10, 31))
    assert sorted(statement.currencies) == ["EUR", "PLN"]
    pln = statement.currencies["PLN"]
    assert pln.opening_balance == Decimal("600.00")  # FV/1 1000.00 − 400.00 paid in September
    lines = [
        (str(line.date), line.kind, line.reference, str(line.debit), str(line.credit), str(line.balance))
        for line in pln.lines
    ]
    assert lines == [
        ("2026-10-05", "payment", "payment for FV/1", "0", "600.00", "0.00"),
        ("2026-10-10", "invoice", "FV/2", "500.00", "0", "500.00"),  # the invoice before its same-day payment
        ("2026-10-10", "payment", "payment for FV/2", "0", "200.00", "300.00"),
        ("2026-10-20", "invoice", "KOR/1", "0", "50.00", "250.00"),  # a negative correction is a credit
    ]
    assert (pln.total_debit, pln.total_credit, pln.closing_balance) == (
        Decimal("500.00"),
        Decimal("850.00"),
        Decimal("250.00"),
    )
    eur = statement.currencies["EUR"]
    assert (eur.opening_balance, eur.closing_balance) == (Decimal(0), Decimal("100.00"))
    assert [line.reference for line in eur.lines] == ["FV/4"]


def test_explicit_payments_replace_the_embedded_ones() -> None:
    payments = [
        AppliedPayment("p1", "2", "txn_1", Decimal("125.00"), date(2026, 10, 12)),
        AppliedPayment("p2", "7", "txn_2", Decimal("800.00"), date(2026, 10, 12)),  # another client's invoice
        AppliedPayment("p3", "2", None, Decimal("1.00"), None),  # cannot be placed in time
    ]
    statement = client_statement(ledger(), payments, "1", date(2026, 10, 1), date(2026, 10, 31))
    pln = statement.currencies["PLN"]
    assert pln.opening_balance == Decimal("1000.00")  # no payments before October in this list
    assert [(line.reference, str(line.balance)) for line in pln.lines] == [
        ("FV/2", "1500.00"),
        ("payment for FV/2", "1375.00"),
        ("KOR/1", "1325.00"),
    ]
    assert statement.undated_payments == 1


def test_period_with_no_movements_carries_the_balance_through() -> None:
    statement = client_statement(ledger(), None, "1", date(2026, 12, 1), date(2026, 12, 31))
    pln = statement.currencies["PLN"]
    assert pln.lines == ()
    assert pln.opening_balance == pln.closing_balance == Decimal("550.00")  # 1800 − 1200 paid − 50 credit


def test_unknown_client_has_an_empty_statement() -> None:
    assert client_statement(ledger(), None, "99", date(2026, 1, 1), date(2026, 12, 31)).currencies == {}


def test_reversed_period_is_refused() -> None:
    with pytest.raises(ValueError, match="after date_to"):
        client_statement([], None, "1", date(2026, 2, 1), date(2026, 1, 1))
