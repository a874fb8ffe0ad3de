"""The lighter invoice reader that streaming reports use gives the very reports the full reader gives."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.endpoints import LIST_INVOICES
from flowtly_mcp.api.settings import ApiSettings
from flowtly_mcp.finance.aging import aging_report, overdue, top_debtors
from flowtly_mcp.finance.allocation import as_of
from flowtly_mcp.finance.records import InvoiceView
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
