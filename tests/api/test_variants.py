"""The API client against every variant of the documented-only sandbox: both Hydra forms, pages of 7, `/api`."""

from __future__ import annotations

import httpx2
import pytest

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.sandbox import Sandbox
from tests.api_variants import ApiVariant

from .conftest import BASE_URL, TODAY, TOKEN, seed_dataset

pytestmark = [pytest.mark.anyio, pytest.mark.api_matrix]


async def test_walks_reads_and_declared_filters_agree_with_the_store(api_variant: ApiVariant) -> None:
    box = Sandbox(api_variant.sandbox_config(token=TOKEN, today=TODAY, dataset=seed_dataset()))
    env = api_variant.env()
    settings = ApiSettings(
        base_url=BASE_URL,
        token=TOKEN,
        path_prefix=env.get("FLOWTLY_API_PREFIX", ""),
        page_size=int(env.get("FLOWTLY_PAGE_SIZE", "30")),
    )
    async with FlowtlyClient(settings, httpx2.ASGITransport(app=box.app)) as api:
        clients = await api.fetch_all("/clients")
        one = await api.get(api.item_path("clients", clients[-1]["id"]))
        declared = await api.declared_filters("/invoices")
        eur = await api.fetch_all("/invoices", [("currency", "EUR")])
    assert sorted(c["id"] for c in clients) == sorted(r["id"] for r in box.store.all("clients"))
    assert one["id"] == clients[-1]["id"] and "name" in one
    assert declared is not None and {"currency", "name", "issueDate[after]"} <= declared
    assert eur and all(invoice["currency"] == "EUR" for invoice in eur)
    box.close()
