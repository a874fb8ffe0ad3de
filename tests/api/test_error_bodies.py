"""Error responses in every shape API Platform and Lexik use, read into exceptions that name the cause."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from flowtly_mcp.api import errors
from flowtly_mcp.api.error_body import error_from_response


def response(
    status: int, body: Any = None, *, text: str | None = None, headers: dict[str, str] | None = None
) -> httpx2.Response:
    content = text.encode() if text is not None else json.dumps(body).encode() if body is not None else b""
    request = httpx2.Request("POST", "https://api.flowtly.eu/invoices")
    return httpx2.Response(status, content=content, headers=headers or {}, request=request)


VIOLATIONS_4X = {
    "@context": "/api/contexts/ConstraintViolation",
    "@type": "ConstraintViolation",
    "status": 422,
    "violations": [
        {"propertyPath": "invoiceRows[0].netPrice", "message": "This value should not be blank.", "code": "c1051bb4"},
        {"propertyPath": "client", "message": "This value should not be null.", "code": "ad32d13f"},
    ],
    "detail": "invoiceRows[0].netPrice: This value should not be blank.\nclient: This value should not be null.",
    "title": "An error occurred",
}


def test_violations_become_a_list_and_a_one_line_message() -> None:
    error = error_from_response("POST", "/invoices", response(422, VIOLATIONS_4X))
    assert isinstance(error, errors.UnprocessableEntity)
    assert error.violations == [
        ("invoiceRows[0].netPrice", "This value should not be blank.", "c1051bb4"),
        ("client", "This value should not be null.", "ad32d13f"),
    ]
    assert error.message == (
        "invoiceRows[0].netPrice: This value should not be blank.; client: This value should not be null."
    )
    assert str(error) == f"{error.message} (POST /invoices answered 422)"
    assert "\n" not in str(error)


def test_legacy_violation_list_with_prefixed_keys() -> None:
    body = {
        "@type": "ConstraintViolationList",
        "hydra:title": "An error occurred",
        "hydra:description": "name: This value should not be blank.",
        "violations": [{"propertyPath": "name", "message": "This value should not be blank."}],
    }
    error = error_from_response("POST", "/clients", response(422, body))
    assert isinstance(error, errors.UnprocessableEntity)
    assert error.violations == [("name", "This value should not be blank.", None)]
    assert error.message == "name: This value should not be blank."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "@type": "hydra:Error",
                "hydra:title": "An error occurred",
                "hydra:description": 'Item not found for "/api/clients/999".',
            },
            'Item not found for "/api/clients/999".',
        ),
        (
            {"@type": "Error", "title": "An error occurred", "detail": 'Invalid IRI "foo".', "status": 400},
            'Invalid IRI "foo".',
        ),
        (
            {
                "title": "An error occurred",
                "description": 'The type of the "amount" attribute must be "float", "string" given.',
            },
            'The type of the "amount" attribute must be "float", "string" given.',
        ),
        ({"type": "about:blank", "title": "Bad Request"}, "Bad Request"),
    ],
)
def test_hydra_problem_and_legacy_descriptions(body: dict[str, Any], expected: str) -> None:
    error = error_from_response("POST", "/invoices", response(400, body))
    assert isinstance(error, errors.BadRequest)
    assert error.message == expected


def test_lexik_bodies_and_the_hint() -> None:
    error = error_from_response(
        "GET",
        "/invoices",
        response(401, {"code": 401, "message": "JWT Token not found"}),
        hint="Set FLOWTLY_API_TOKEN.",
    )
    assert isinstance(error, errors.AuthenticationError)
    assert error.message == "JWT Token not found. Set FLOWTLY_API_TOKEN."


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequest),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (405, errors.MethodNotAllowed),
        (406, errors.NotAcceptable),
        (409, errors.Conflict),
        (410, errors.ApiStatusError),
        (415, errors.UnsupportedMediaType),
        (422, errors.UnprocessableEntity),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (503, errors.ServerError),
    ],
)
def test_each_status_has_its_class_and_a_message(status: int, cls: type[errors.ApiStatusError]) -> None:
    error = error_from_response("GET", "/x", response(status))
    assert type(error) is cls
    assert error.status == status
    assert error.message  # the reason phrase when the body says nothing
    assert isinstance(error, errors.ApiError)


def test_rate_limit_carries_the_wait() -> None:
    error = error_from_response("GET", "/x", response(429, {"detail": "Slow down"}), retry_after=12.0)
    assert isinstance(error, errors.RateLimited)
    assert error.retry_after == 12.0
    assert error.message == "Slow down"


def test_an_html_error_page_is_summarised_by_its_title() -> None:
    page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>" + "x" * 5000 + "</body></html>"
    error = error_from_response("GET", "/x", response(502, text=page, headers={"content-type": "text/html"}))
    assert isinstance(error, errors.ServerError)
    assert error.message == "the server answered with an HTML page (502 Bad Gateway) instead of JSON"


def test_a_long_plain_text_body_is_cut_to_one_short_line() -> None:
    error = error_from_response("GET", "/x", response(500, text="boom\n" * 1000))
    assert len(error.message) <= 600
    assert "\n" not in error.message


def test_a_redirect_names_where_it_pointed() -> None:
    error = error_from_response("GET", "/x", response(301, headers={"location": "https://app.flowtly.eu/x"}))
    assert "unexpected redirect to https://app.flowtly.eu/x" in error.message


def test_secrets_echoed_by_a_server_are_masked() -> None:
    body = {"detail": 'bad header "Authorization: Bearer abc.def.ghi" and {"password": "hunter22"}'}
    error = error_from_response("GET", "/x", response(400, body))
    assert "abc.def.ghi" not in str(error)
    assert "hunter22" not in str(error)
