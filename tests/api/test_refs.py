"""References: ids, IRIs and URLs in; IRIs and request paths out."""

from __future__ import annotations

import pytest

from flowtly_mcp.api import refs
from flowtly_mcp.api.paths import family_of, request_target


@pytest.mark.parametrize(
    "value",
    [3, "3", " 3 ", "/api/clients/3", "/clients/3", "clients/3", "https://api.flowtly.eu/api/clients/3"],
)
def test_every_reference_form_yields_the_id(value: str | int) -> None:
    assert refs.parse_ref(value, "clients") == "3"


def test_string_ids_and_quoted_iris_round_trip() -> None:
    assert refs.parse_ref("bgt_fy25", "budgets") == "bgt_fy25"
    assert refs.iri("budgets", "a b#c?") == "/api/budgets/a%20b%23c%3F"
    assert refs.parse_ref(refs.iri("budgets", "a b#c?"), "budgets") == "a b#c?"
    assert refs.parse_ref("/api/budgets/a%2Fb", "budgets") == "a/b"


def test_a_reference_to_another_family_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="expected a reference to clients, got /api/invoices/3"):
        refs.parse_ref("/api/invoices/3", "clients")
    with pytest.raises(ValueError, match="expected a reference to clients"):
        refs.parse_ref("https://api.flowtly.eu/api/invoices/3", "clients")


@pytest.mark.parametrize(
    "value",
    ["", "   ", ".", "..", "/api/clients/..", "/api/clients/", "/api/clients", "/api/clients/3/documents", True, -1],
)
def test_empty_partial_or_deeper_references_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        refs.parse_ref(value, "clients")  # type: ignore[arg-type]


def test_iri_and_item_path() -> None:
    assert refs.iri("clients", 3) == "/api/clients/3"
    assert refs.iri("clients", "/api/clients/3") == "/api/clients/3"
    assert refs.item_path("clients", "https://api.flowtly.eu/api/clients/3") == "/clients/3"
    assert refs.item_path("clients", 3, "/api") == "/api/clients/3"
    with pytest.raises(ValueError, match="expected a reference to clients"):
        refs.item_path("clients", "/api/invoices/3")


def test_id_of_prefers_id_then_at_id() -> None:
    assert refs.id_of({"id": 12, "@id": "/api/invoices/99"}) == "12"
    assert refs.id_of({"@id": "/api/budgets/bgt_fy25"}) == "bgt_fy25"
    assert refs.id_of({"@id": "/api/budgets/a%20b"}) == "a b"
    with pytest.raises(ValueError, match="neither an id nor an @id"):
        refs.id_of({"name": "x"})


@pytest.mark.parametrize(
    ("given", "prefix", "expected"),
    [
        ("/api/clients/3", "", "/clients/3"),
        ("/clients/3", "", "/clients/3"),
        ("clients", "", "/clients"),
        ("/api/clients/3", "/api", "/api/clients/3"),
        ("/clients?page=2", "/api", "/api/clients?page=2"),
        ("https://elsewhere.example/api/clients/3?x=1", "", "/clients/3?x=1"),
    ],
)
def test_request_target_maps_iris_and_urls_under_the_prefix(given: str, prefix: str, expected: str) -> None:
    assert request_target(given, prefix) == expected


@pytest.mark.parametrize("given", ["", "/", "/api", "/clients//documents", "/clients/../admin", "/api/clients/"])
def test_request_target_refuses_empty_or_relative_segments(given: str) -> None:
    with pytest.raises(ValueError):
        request_target(given, "")


def test_family_of_a_path() -> None:
    assert family_of("/api/invoices/3/send") == "invoices"
    assert family_of("/invoice-rows") == "invoice-rows"
