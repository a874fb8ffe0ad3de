"""Reading API Platform collections: Hydra with or without the `hydra:` prefix, or a plain JSON array."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .models import Page

PAGE_PARAMETER = "page"


def hydra_value(document: Mapping[str, Any], name: str) -> Any:
    """`hydra:<name>` if present, else the unprefixed `<name>` (API Platform 4 dropped the prefix by default)."""
    prefixed = f"hydra:{name}"
    return document[prefixed] if prefixed in document else document.get(name)


def is_collection(body: Any) -> bool:
    return isinstance(body, list) or (isinstance(body, Mapping) and ("hydra:member" in body or "member" in body))


def parse_page(body: Any, *, page: int, expected_size: int) -> Page:
    """A Page from a collection body requested as page number `page`.

    A plain array carries no paging data, so a full page is taken to mean there may be more; the next request
    then tells (an empty page ends the walk).
    """
    if isinstance(body, list):
        items = [_as_record(item) for item in body]
        more = len(items) >= expected_size > 0
        return Page(items=items, total=None, page=page, next_page=page + 1 if more else None, last_page=None)
    if not is_collection(body):
        raise ValueError("the response is not a collection (no hydra:member / member)")
    members = hydra_value(body, "member")
    if not isinstance(members, list):
        raise ValueError("the collection's member field is not a list")
    items = [_as_record(item) for item in members]
    total = _as_count(hydra_value(body, "totalItems"))
    view = hydra_value(body, "view")
    next_page = last_page = None
    if isinstance(view, Mapping):
        next_page = _page_of(hydra_value(view, "next"), missing=None)
        # API Platform leaves `page` out of a link to the first page.
        last_page = _page_of(hydra_value(view, "last"), missing=1)
    if last_page is None and total is not None:
        last_page = _last_page_from_total(total, len(items), page, next_page)
    return Page(items=items, total=total, page=page, next_page=next_page, last_page=last_page)


def _as_record(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    if isinstance(item, str):
        # A relation the server did not embed arrives as its IRI.
        return {"@id": item}
    raise ValueError(f"a collection member is a {type(item).__name__}, not a record")


def _as_count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _page_of(link: Any, *, missing: int | None) -> int | None:
    if not isinstance(link, str):
        return None
    values = parse_qs(urlsplit(link).query).get(PAGE_PARAMETER)
    if not values:
        return missing
    try:
        number = int(values[-1])
    except ValueError:
        return None
    return number if number >= 1 else None


def _last_page_from_total(total: int, page_size: int, page: int, next_page: int | None) -> int | None:
    if next_page is None:
        return page
    if page == 1 and page_size > 0:
        return max(1, math.ceil(total / page_size))
    return None


def search_variables(body: Any) -> frozenset[str] | None:
    """The query parameters a collection declares in its `hydra:search` mapping; None when it serves none.

    API Platform ignores a filter its resource does not declare, so only these narrow what the server returns.
    """
    if not isinstance(body, Mapping):
        return None
    search = hydra_value(body, "search")
    if not isinstance(search, Mapping):
        return None
    mapping = hydra_value(search, "mapping")
    if not isinstance(mapping, list):
        return None
    names = {entry.get("variable") for entry in mapping if isinstance(entry, Mapping)}
    return frozenset(name for name in names if isinstance(name, str) and name)
