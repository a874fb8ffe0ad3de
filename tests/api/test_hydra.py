"""Collection bodies in both Hydra spellings and as plain arrays."""

from __future__ import annotations

from typing import Any

import pytest

from flowtly_mcp.api.hydra import parse_page


def collection(prefixed: bool, *, members: list[Any], total: int | None, view: dict[str, str] | None) -> dict[str, Any]:
    p = "hydra:" if prefixed else ""
    body: dict[str, Any] = {"@type": f"{p}Collection", f"{p}member": members}
    if total is not None:
        body[f"{p}totalItems"] = total
    if view is not None:
        body[f"{p}view"] = {"@type": f"{p}PartialCollectionView", **{f"{p}{k}": v for k, v in view.items()}}
    return body


@pytest.mark.parametrize("prefixed", [True, False])
def test_a_middle_page(prefixed: bool) -> None:
    body = collection(
        prefixed,
        members=[{"@id": "/api/invoices/31", "id": 31}],
        total=75,
        view={
            "first": "/api/invoices?status=paid&page=1",
            "last": "/api/invoices?status=paid&page=3",
            "previous": "/api/invoices?status=paid&page=1",
            "next": "/api/invoices?status=paid&page=3",
        },
    )
    page = parse_page(body, page=2, expected_size=30)
    assert page.items == [{"@id": "/api/invoices/31", "id": 31}]
    assert (page.total, page.page, page.next_page, page.last_page) == (75, 2, 3, 3)


@pytest.mark.parametrize("prefixed", [True, False])
def test_the_last_page_has_no_next(prefixed: bool) -> None:
    body = collection(prefixed, members=[{"id": 61}], total=61, view={"first": "/api/x", "last": "/api/x?page=3"})
    page = parse_page(body, page=3, expected_size=30)
    assert (page.next_page, page.last_page) == (None, 3)


@pytest.mark.parametrize("prefixed", [True, False])
def test_a_single_page_without_view(prefixed: bool) -> None:
    page = parse_page(collection(prefixed, members=[{"id": 1}], total=1, view=None), page=1, expected_size=30)
    assert (page.total, page.next_page, page.last_page) == (1, None, 1)


def test_a_link_without_page_means_page_one() -> None:
    body = collection(True, members=[], total=0, view={"first": "/api/x", "last": "/api/x"})
    assert parse_page(body, page=1, expected_size=30).last_page == 1


def test_partial_pagination_has_next_but_no_total() -> None:
    body = collection(False, members=[{"id": 1}, {"id": 2}], total=None, view={"next": "/api/x?page=2"})
    page = parse_page(body, page=1, expected_size=2)
    assert (page.total, page.next_page, page.last_page) == (None, 2, None)


def test_the_last_page_is_derived_from_the_total_when_no_last_link() -> None:
    body = collection(True, members=[{"id": i} for i in range(30)], total=61, view={"next": "/api/x?page=2"})
    assert parse_page(body, page=1, expected_size=30).last_page == 3


def test_a_plain_array_is_a_page_that_may_continue_when_full() -> None:
    full = parse_page([{"id": 1}, {"id": 2}], page=4, expected_size=2)
    assert (full.items, full.total, full.next_page) == ([{"id": 1}, {"id": 2}], None, 5)
    short = parse_page([{"id": 1}], page=4, expected_size=2)
    assert short.next_page is None


def test_unembedded_members_become_records_with_their_iri() -> None:
    page = parse_page(collection(True, members=["/api/clients/3"], total=1, view=None), page=1, expected_size=30)
    assert page.items == [{"@id": "/api/clients/3"}]


@pytest.mark.parametrize("body", [{"@id": "/api/invoices/1"}, {"hydra:member": "nope"}, "text", {"member": [1]}])
def test_non_collections_are_refused(body: Any) -> None:
    with pytest.raises(ValueError):
        parse_page(body, page=1, expected_size=30)
