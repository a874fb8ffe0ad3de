"""Receivables tools, checked against figures computed here, independently, from the sandbox's own records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox

from .conftest import TODAY, ServerFactory, body, writes

pytestmark = pytest.mark.anyio
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


@dataclass
class Owed:
    id: str
    client: str
    currency: str
    gross: Decimal
    open: Decimal
    due: dt.date
    issued: dt.date
    rate: Decimal | None


def day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def payments(sandbox: Sandbox) -> dict[str, list[tuple[dt.date, Decimal]]]:
    found: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for record in sandbox.store.all("invoice-transactions"):
        found[str(record["invoice"]).rsplit("/", 1)[-1]].append((day(record["date"]), Decimal(str(record["amount"]))))
    return found


def ledger(sandbox: Sandbox, as_of: dt.date) -> list[Owed]:
    """Non-draft invoices issued by `as_of`, with what was still open at the end of that day."""
    paid = payments(sandbox)
    owed = []
    for record in sandbox.store.all("invoices"):
        if record.get("status") == "draft" or day(record["issueDate"]) > as_of:
            continue
        gross = Decimal(str(sandbox.world.view("invoices", record)["amount"]))
        received = sum((amount for when, amount in paid[str(record["id"])] if when <= as_of), Decimal(0))
        rate = record.get("conversionRate")
        owed.append(
            Owed(
                str(record["id"]),
                str(record["client"]).rsplit("/", 1)[-1],
                record.get("currency") or "PLN",
                gross,
                gross - received,
                day(record.get("dueDate") or record["issueDate"]),
                day(record["issueDate"]),
                Decimal(str(rate)) if rate is not None else None,
            )
        )
    return owed


def bucket(days: int) -> str:
    return (
        "current"
        if days <= 0
        else "1-30"
        if days <= 30
        else "31-60"
        if days <= 60
        else "61-90"
        if days <= 90
        else "90+"
    )


def amounts(values: dict[str, str]) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in values.items()}


@pytest.mark.parametrize("as_of", [TODAY, TODAY - dt.timedelta(days=45)])
async def test_aging_totals_equal_an_independent_count(
    as_of: dt.date, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    expected: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(BUCKETS, Decimal(0)))
    credits: dict[str, Decimal] = defaultdict(Decimal)
    by_client: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for invoice in ledger(sandbox, as_of):
        if invoice.open < 0:
            credits[invoice.currency] += invoice.open
        elif invoice.open > 0:
            expected[invoice.currency][bucket((as_of - invoice.due).days)] += invoice.open
            by_client[(invoice.client, invoice.currency)] += invoice.open
    seen: list[float] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async with Client(make_server()) as client:
        report = body(
            await client.call_tool("receivables_aging", {"as_of": as_of.isoformat()}, progress_callback=on_progress)
        )
    totals = {line["currency"]: line for line in report["totals"]}
    assert set(totals) == set(expected) | set(credits) and len(totals) >= 2, "currencies are kept apart"
    for currency, buckets in expected.items():
        assert amounts(totals[currency]["buckets"]) == buckets
        assert Decimal(totals[currency]["total"]) == sum(buckets.values())
        assert Decimal(totals[currency]["credits"]) == credits.get(currency, 0)
    lines = {(line["group"], line["currency"]): Decimal(line["total"]) for line in report["lines"]}
    assert {key: value for key, value in lines.items() if value} == dict(by_client)
    assert all(line["name"] for line in report["lines"]), "client groups carry the client's name"
    assert seen and seen == sorted(seen)
    assert writes(sandbox) == []


async def test_aging_by_currency_with_a_pln_equivalent(sandbox: Sandbox, make_server: ServerFactory) -> None:
    exact = Decimal(0)
    missing = []
    for invoice in ledger(sandbox, TODAY):
        if invoice.open <= 0:
            continue
        if invoice.currency == "PLN":
            exact += invoice.open
        elif invoice.rate:
            exact += invoice.open * invoice.rate
        else:
            missing.append(invoice.id)
    async with Client(make_server()) as client:
        report = body(
            await client.call_tool(
                "receivables_aging", {"as_of": TODAY.isoformat(), "group_by": "currency", "pln_equivalent": True}
            )
        )
    assert {line["group"] for line in report["lines"]} == {line["currency"] for line in report["lines"]}
    equivalent = report["pln_equivalent"]
    assert Decimal(equivalent["total"]) == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert equivalent["missing_rate"] == missing


@pytest.mark.parametrize("min_days", [1, 60])
async def test_overdue_invoices_match_an_independent_list(
    min_days: int, sandbox: Sandbox, make_server: ServerFactory
) -> None:
    overdue = [i for i in ledger(sandbox, TODAY) if i.open > 0 and (TODAY - i.due).days >= min_days]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in overdue:
        totals[invoice.currency] += invoice.open
    async with Client(make_server()) as client:
        found = body(
            await client.call_tool("overdue_invoices", {"min_days": min_days, "as_of": TODAY.isoformat(), "limit": 500})
        )
    assert found["count"] == len(overdue) == len(found["items"]) > 0
    assert amounts(found["totals"]) == dict(totals)
    assert {item["invoice"] for item in found["items"]} == {i.id for i in overdue}
    days = [item["days"] for item in found["items"]]
    assert days == sorted(days, reverse=True) and min(days) >= min_days


async def test_overdue_for_one_client(sandbox: Sandbox, make_server: ServerFactory) -> None:
    overdue = [i for i in ledger(sandbox, TODAY) if i.open > 0 and (TODAY - i.due).days >= 1]
    client_id = max({i.client for i in overdue}, key=lambda c: sum(1 for i in overdue if i.client == c))
    async with Client(make_server()) as client:
        found = body(
            await client.call_tool(
                "overdue_invoices", {"client": f"/api/clients/{client_id}", "as_of": TODAY.isoformat()}
            )
        )
    assert {item["invoice"] for item in found["items"]} == {i.id for i in overdue if i.client == client_id}
    assert {item["client"] for item in found["items"]} == {client_id}


async def test_top_debtors_per_currency(sandbox: Sandbox, make_server: ServerFactory) -> None:
    owing: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for invoice in ledger(sandbox, TODAY):
        if invoice.open > 0:
            owing[invoice.currency][invoice.client] += invoice.open
    async with Client(make_server()) as client:
        found = body(await client.call_tool("top_debtors", {"n": 5, "as_of": TODAY.isoformat()}))
    ranked = {section["currency"]: section["debtors"] for section in found["currencies"]}
    assert set(ranked) == set(owing)
    for currency, clients in owing.items():
        best = sorted(clients.items(), key=lambda item: (-item[1], item[0].zfill(20)))[:5]
        assert [(d["client"], Decimal(d["open"])) for d in ranked[currency]] == best


async def test_client_statement_with_a_running_balance(sandbox: Sandbox, make_server: ServerFactory) -> None:
    invoices = ledger(sandbox, TODAY)
    client_id = max({i.client for i in invoices}, key=lambda c: sum(1 for i in invoices if i.client == c))
    start = TODAY - dt.timedelta(days=180)
    paid = payments(sandbox)
    opening: dict[str, Decimal] = defaultdict(Decimal)
    movements: dict[str, list[Decimal]] = defaultdict(list)
    for invoice in (i for i in invoices if i.client == client_id):
        entries = [(invoice.issued, invoice.gross)] + [(when, -amount) for when, amount in paid[invoice.id]]
        for when, amount in entries:
            if when < start:
                opening[invoice.currency] += amount
            elif when <= TODAY:
                movements[invoice.currency].append(amount)
    async with Client(make_server()) as client:
        statement = body(
            await client.call_tool(
                "client_statement",
                {"client": client_id, "date_from": start.isoformat(), "date_to": TODAY.isoformat()},
            )
        )
    assert statement["client"] == client_id and statement["name"]
    sections = {section["currency"]: section for section in statement["currencies"]}
    assert set(sections) == set(opening) | set(movements)
    for currency, section in sections.items():
        assert Decimal(section["opening"]) == opening[currency]
        assert len(section["lines"]) == len(movements[currency])
        assert Decimal(section["closing"]) == opening[currency] + sum(movements[currency], Decimal(0))
        balance = Decimal(section["opening"])
        for line in section["lines"]:
            balance += Decimal(line["debit"]) - Decimal(line["credit"])
            assert Decimal(line["balance"]) == balance
            assert start <= dt.date.fromisoformat(line["date"]) <= TODAY
