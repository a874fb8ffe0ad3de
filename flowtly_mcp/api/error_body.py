"""Reading error responses into exceptions with a message that names the cause.

API Platform has written errors in several shapes over its versions, and Lexik's JWT layer in yet another:
- Hydra (`hydra:description`, `hydra:title`), prefixed or not, 3.x and 4.x;
- RFC 7807 problem+json (`detail`, `title`);
- constraint violation lists (`violations: [{propertyPath, message, code}]`);
- Lexik (`{"code": 401, "message": "Expired JWT Token"}`);
and proxies in front of it answer with HTML pages. All of them become one readable line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx2

from . import jsoncodec
from .errors import ApiStatusError, RateLimited, UnprocessableEntity, Violation, status_class

_GENERIC_TITLES = {"an error occurred", "error"}
_MAX_MESSAGE = 600
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def error_from_response(
    method: str, path: str, response: httpx2.Response, *, retry_after: float | None = None, hint: str = ""
) -> ApiStatusError:
    """The exception for an error response; `hint` is appended to say what to do about it."""
    status = response.status_code
    body = _body_of(response)
    violations = violations_of(body)
    message = _message_of(body, violations, response)
    if hint:
        message = f"{message.rstrip('.')}. {hint}"
    message = _shorten(message)
    cls = status_class(status)
    if cls is UnprocessableEntity:
        return UnprocessableEntity(message, method=method, path=path, status=status, violations=violations)
    if cls is RateLimited:
        return RateLimited(message, method=method, path=path, status=status, retry_after=retry_after)
    return cls(message, method=method, path=path, status=status)


def json_body(response: httpx2.Response) -> Any:
    """The JSON body of a response, or None when there is none or it is not JSON."""
    if not response.content:
        return None
    try:
        return jsoncodec.loads(response.content)
    except ValueError:
        return None


def violations_of(body: Any) -> list[Violation]:
    if not isinstance(body, Mapping):
        return []
    raw = body.get("violations")
    if not isinstance(raw, list):
        return []
    found = []
    for item in raw:
        if isinstance(item, Mapping):
            code = item.get("code")
            found.append(
                Violation(
                    property_path=str(item.get("propertyPath") or ""),
                    message=str(item.get("message") or item.get("title") or "invalid value"),
                    code=str(code) if code is not None else None,
                )
            )
    return found


def html_title(text: str) -> str | None:
    match = _HTML_TITLE.search(text)
    if not match:
        return None
    title = " ".join(html.unescape(match.group(1)).split())
    return title or None


def _body_of(response: httpx2.Response) -> Any:
    body = json_body(response)
    if body is not None:
        return body
    return response.text if response.content else None


def _message_of(body: Any, violations: list[Violation], response: httpx2.Response) -> str:
    if violations:
        return "; ".join(violation.describe() for violation in violations)
    if isinstance(body, Mapping):
        for key in ("detail", "hydra:description", "description", "message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value
        for key in ("hydra:title", "title"):
            value = body.get(key)
            if isinstance(value, str) and value.strip() and value.strip().lower() not in _GENERIC_TITLES:
                return value
    if isinstance(body, str) and body.strip():
        if "<html" in body[:1000].lower() or "<!doctype" in body[:1000].lower():
            title = html_title(body)
            return f"the server answered with an HTML page{f' ({title})' if title else ''} instead of JSON"
        return body.strip()
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "nowhere")
        return f"unexpected redirect to {location}; check FLOWTLY_BASE_URL and FLOWTLY_API_PREFIX"
    return _reason(response.status_code)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _shorten(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"
