"""A read that meets a transient fault is retried and served, in every variant of the documented-only sandbox."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server
from tests.api_variants import ApiVariant

from .conftest import TODAY, TOKEN, server_settings, structured, text_of, writes
from .faults import FaultTransport, Status, on

pytestmark = [pytest.mark.anyio, pytest.mark.api_matrix]


async def test_a_read_after_two_503s_is_served(api_variant: ApiVariant, tmp_path: Path) -> None:
    box = Sandbox(api_variant.sandbox_config(token=TOKEN, today=TODAY))
    wire = FaultTransport(httpx2.ASGITransport(app=box.app))
    server = build_server(server_settings(tmp_path, api_variant.env()), transport=wire)
    async with Client(server) as client:
        listed = structured(await client.call_tool("list_invoices", {"limit": 9, "fields": ["name"]}))
        invoice = listed["items"][-1]["id"]
        wire.inject(Status(503, b"Service Unavailable", "text/plain"), on("GET", f"/invoices/{invoice}"), times=2)
        result = await client.call_tool("get_invoice", {"id": str(invoice)})
    assert not result.is_error, text_of(result)
    assert structured(result)["item"]["id"] == invoice
    assert len(listed["items"]) == 9 and listed["total"] == len(box.store.all("invoices"))
    assert writes(box) == []
    box.close()
