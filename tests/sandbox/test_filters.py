"""Collection filters with API Platform's semantics, on the records as clients see them."""

from __future__ import annotations

import httpx2
import pytest

from tests.sandbox.conftest import client_for, make_sandbox

pytestmark = pytest.mark.anyio


async def ids(api: httpx2.AsyncClient, url: str, **params: object) -> list[object]:
    response = await api.get(url, params=params or None)
    assert response.status_code == 200, response.text
    return [member["id"] for member in response.json()["hydra:member"]]


async def test_invoice_name_is_a_partial_case_insensitive_match(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/invoices", name="fv/2026/01/000") == [1, 2, 3, 4, 5]
    assert await ids(api, "/api/invoices", name="0003") == [3]


async def test_relation_filter_takes_an_iri_or_an_id(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/invoices", client="/api/clients/2") == [2, 4]
    assert await ids(api, "/api/invoices", client="2") == [2, 4]
    assert await ids(api, "/api/invoices?client[]=1&client[]=3") == [1, 3, 5]


async def test_status_filter_sees_derived_statuses(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/invoices", status="overdue") == [1]
    assert await ids(api, "/api/invoices", status="paid") == [2]
    assert await ids(api, "/api/invoices", status="partially_paid") == [3]
    assert await ids(api, "/api/invoices?status[]=draft&status[]=issued") == [4, 5]


async def test_date_filters(api: httpx2.AsyncClient) -> None:
    # Issue dates: 1 → 60 days ago, 2 → 20, 3 → 5, 4 → 1, 5 → 2 (today is 2026-03-16).
    assert await ids(api, "/api/invoices?issueDate[after]=2026-03-11") == [3, 4, 5]
    assert await ids(api, "/api/invoices?issueDate[strictly_after]=2026-03-11") == [4, 5]
    assert await ids(api, "/api/invoices?issueDate[before]=2026-02-24") == [1, 2]
    assert await ids(api, "/api/invoices?issueDate[strictly_before]=2026-02-24") == [1]
    assert await ids(api, "/api/invoices?dueDate[before]=2026-03-16&saleDate[after]=2026-01-01") == [1]


async def test_range_filters_on_computed_amounts(api: httpx2.AsyncClient) -> None:
    # Gross amounts: 1230.00, 540.00, 321.77, 123.00, 1230.00.
    assert await ids(api, "/api/invoices?amount[gt]=1000") == [1, 5]
    assert await ids(api, "/api/invoices?amount[lte]=321.77") == [3, 4]
    assert await ids(api, "/api/invoices?amount[between]=300..600") == [2, 3]
    assert await ids(api, "/api/invoices?openAmount[gt]=0&status=issued") == [5]


async def test_order_by_one_or_several_fields(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/invoices?order[amount]=desc&order[id]=desc") == [5, 1, 2, 3, 4]
    assert await ids(api, "/api/invoices?order[dueDate]=asc") == [1, 3, 2, 5, 4]
    assert await ids(api, "/api/invoices?order[name]=DESC") == [5, 4, 3, 2, 1]


async def test_exists_filter(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/invoices?exists[eInvoicing]=true") == []
    await api.post("/api/e-invoicing/invoices/2/send")
    assert await ids(api, "/api/invoices?exists[eInvoicing]=true") == [2]
    assert await ids(api, "/api/invoices?exists[eInvoicing]=false") == [1, 3, 4, 5]


async def test_unknown_filters_and_bad_values_are_ignored(api: httpx2.AsyncClient) -> None:
    everything = [1, 2, 3, 4, 5]
    assert await ids(api, "/api/invoices?colour=blue") == everything
    assert await ids(api, "/api/invoices?amount[gt]=lots") == everything
    assert await ids(api, "/api/invoices?issueDate[after]=not-a-date") == everything
    assert await ids(api, "/api/invoices?order[amount]=sideways") == everything
    assert await ids(api, "/api/invoices?order[notes]=asc") == everything
    assert await ids(api, "/api/invoices?exists[eInvoicing]=maybe") == everything


async def test_transaction_filters(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/transactions", counterparty="/api/counterparties/1") == ["txn_2", "txn_3"]
    assert await ids(api, "/api/transactions", description="FV/2026") == ["txn_1", "txn_3"]
    assert await ids(api, "/api/transactions?amount[lt]=0") == ["txn_4"]
    assert await ids(api, "/api/transactions?execDate[after]=2026-03-15&currency=PLN") == ["txn_3", "txn_4", "txn_5"]
    assert (await ids(api, "/api/transactions?order[amount]=desc"))[:2] == ["txn_3", "txn_1"]


async def test_client_and_counterparty_filters(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/clients", name="beta") == [2]
    assert await ids(api, "/api/clients", tin="7740001454") == [3]
    assert await ids(api, "/api/clients", status="active", country="PL") == [1, 2, 3]
    assert await ids(api, "/api/clients", status="inactive") == []
    assert await ids(api, "/api/counterparties", displayName="acme") == [1, 2]
    assert await ids(api, "/api/counterparties", tin="5265877635") == [3]


async def test_invoice_transaction_filters(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/invoice-transactions", invoice="/api/invoices/3") == [2]
    assert await ids(api, "/api/invoice-transactions", transaction="txn_1") == [1]
    assert await ids(api, "/api/invoice-transactions?date[before]=2026-03-13") == [1]


async def test_filters_on_other_families(api: httpx2.AsyncClient) -> None:
    assert await ids(api, "/api/client-contacts", client="1") == [1]
    assert await ids(api, "/api/budget-transactions", budget="/api/budgets/bgt_1") == ["btr_1"]
    assert await ids(api, "/api/invoice-rows", invoice="3") == [3, 4]
    assert await ids(api, "/api/invoice-rows", vatRate="zw") == [4]


async def test_a_filter_set_to_be_ignored_lists_everything_as_some_servers_do() -> None:
    # SandboxConfig.ignored_filters: for testing a client against a server that accepts a filter and ignores it.
    box = make_sandbox(ignored_filters={"invoice-transactions": frozenset({"transaction"})})
    async with client_for(box) as ignoring, client_for(make_sandbox()) as applying:
        everything = await ids(ignoring, "/api/invoice-transactions")
        assert await ids(ignoring, "/api/invoice-transactions", transaction="txn_1") == everything != [1]
        assert await ids(applying, "/api/invoice-transactions", transaction="txn_1") == [1]
        assert await ids(ignoring, "/api/invoice-transactions", invoice="/api/invoices/3") == [2], "others still apply"
    box.close()
