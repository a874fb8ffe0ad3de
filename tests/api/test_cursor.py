"""Slice cursors: bound to one listing, refusing edits with a clear message."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.api.cursor import decode_cursor, encode_cursor, listing_scope
from flowtly_mcp.api.errors import InvalidCursor

SCOPE = listing_scope("/invoices", [("status", "paid"), ("order[issueDate]", "desc")])


@given(page=st.integers(min_value=1, max_value=10**6), offset=st.integers(min_value=0, max_value=10**4))
def test_a_cursor_decodes_to_its_position(page: int, offset: int) -> None:
    assert decode_cursor(encode_cursor(SCOPE, page, offset), SCOPE) == (page, offset)


def test_the_scope_ignores_parameter_order_but_not_values() -> None:
    assert listing_scope("/invoices", [("b", "2"), ("a", "1")]) == listing_scope("/invoices", [("a", "1"), ("b", "2")])
    assert listing_scope("/invoices", [("a", "1")]) != listing_scope("/invoices", [("a", "2")])
    assert listing_scope("/invoices", []) != listing_scope("/clients", [])


def test_a_cursor_from_another_listing_is_refused() -> None:
    other = listing_scope("/invoices", [("status", "draft")])
    with pytest.raises(InvalidCursor, match="belongs to another listing"):
        decode_cursor(encode_cursor(other, 2, 0), SCOPE)


@pytest.mark.parametrize("garbage", ["x", "!!!", "bm90IGEgY3Vyc29y", "\u0142\u00f3d\u017a", "MTpmb286MTow"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursor, match="damaged or was edited"):
        decode_cursor(garbage, SCOPE)


def test_an_edited_position_is_refused() -> None:
    cursor = encode_cursor(SCOPE, 2, 5)
    sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    edited = sealed.replace(":2:5:", ":9:5:")
    assert edited != sealed
    forged = base64.urlsafe_b64encode(edited.encode()).decode().rstrip("=")
    with pytest.raises(InvalidCursor, match="damaged or was edited"):
        decode_cursor(forged, SCOPE)


def test_a_truncated_cursor_is_refused() -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor(SCOPE, 3, 1)[:-3], SCOPE)
