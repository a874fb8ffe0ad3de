"""Suggesters for completion: client names, invoice numbers, counterparty names and ids, read from Flowtly.

Each asks for one small page, filtered by what the user typed (API Platform's partial search), so a keystroke
costs one request. Ids are suggested for a name, or for the start of an id; the API cannot filter on the start of
an id, so those come from the first records in id order only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.endpoints import LIST_CLIENTS, LIST_COUNTERPARTIES, LIST_INVOICES, Endpoint
from flowtly_mcp.api.refs import id_of
from flowtly_mcp.prompts.completion import Suggester

PAGE = 20
ID_SCAN = 100  # records scanned when the user typed the start of an id (the API cannot filter on a prefix)


async def _records(
    api: FlowtlyClient, listing: Endpoint, params: dict[str, str], size: int = PAGE
) -> list[dict[str, Any]]:
    # An empty search term would be sent as `name=`; leaving it out asks for the first records instead.
    query = {key: value for key, value in params.items() if value}
    page = await api.get_page(listing.path(), query, items_per_page=size)
    return page.items


def _texts(records: Sequence[Mapping[str, Any]], field: str) -> list[str]:
    return [str(record[field]) for record in records if isinstance(record.get(field), str) and record[field]]


def _ids(records: Sequence[Mapping[str, Any]], typed: str = "") -> list[str]:
    found = []
    for record in records:
        try:
            record_id = id_of(record)
        except ValueError:
            continue
        if record_id.startswith(typed):
            found.append(record_id)
    return found


async def client_names(api: FlowtlyClient, typed: str, _: Mapping[str, str]) -> list[str]:
    return _texts(await _records(api, LIST_CLIENTS, {"name": typed.strip(), "order[name]": "asc"}), "name")


async def client_ids(api: FlowtlyClient, typed: str, _: Mapping[str, str]) -> list[str]:
    text = typed.strip()
    if text.isdigit() or not text:
        return _ids(await _records(api, LIST_CLIENTS, {"order[id]": "asc"}, ID_SCAN), text)
    return _ids(await _records(api, LIST_CLIENTS, {"name": text, "order[name]": "asc"}))


async def invoice_numbers(api: FlowtlyClient, typed: str, _: Mapping[str, str]) -> list[str]:
    params = {"name": typed.strip(), "order[issueDate]": "desc"}
    return _texts(await _records(api, LIST_INVOICES, params), "name")


async def invoice_ids(api: FlowtlyClient, typed: str, _: Mapping[str, str]) -> list[str]:
    text = typed.strip()
    if text.isdigit() or not text:
        return _ids(await _records(api, LIST_INVOICES, {"order[id]": "desc"}, ID_SCAN), text)
    return _ids(await _records(api, LIST_INVOICES, {"name": text, "order[issueDate]": "desc"}))


async def counterparty_names(api: FlowtlyClient, typed: str, _: Mapping[str, str]) -> list[str]:
    params = {"displayName": typed.strip(), "order[displayName]": "asc"}
    return _texts(await _records(api, LIST_COUNTERPARTIES, params), "displayName")


async def counterparty_ids(api: FlowtlyClient, typed: str, _: Mapping[str, str]) -> list[str]:
    text = typed.strip()
    if text.isdigit() or not text:
        return _ids(await _records(api, LIST_COUNTERPARTIES, {"order[id]": "asc"}, ID_SCAN), text)
    return _ids(await _records(api, LIST_COUNTERPARTIES, {"displayName": text}))


def choices(*values: str) -> Suggester:
    """A fixed list, narrowed to the values starting with what the user typed."""

    async def suggest(_: FlowtlyClient, typed: str, __: Mapping[str, str]) -> list[str]:
        start = typed.strip().lower()
        return [value for value in values if value.lower().startswith(start)]

    return suggest


def recent_months(count: int = 12, today: dt.date | None = None) -> Suggester:
    """The last `count` months as YYYY-MM, the most recent closed month first."""

    async def suggest(_: FlowtlyClient, typed: str, __: Mapping[str, str]) -> list[str]:
        day = today or dt.date.today()
        year, month = day.year, day.month
        months = []
        for _step in range(count):
            month -= 1
            if month == 0:
                year, month = year - 1, 12
            months.append(f"{year:04d}-{month:02d}")
        return [value for value in months if value.startswith(typed.strip())]

    return suggest
