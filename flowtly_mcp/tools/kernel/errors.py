"""The one error boundary: every failure becomes an `isError` result a model can act on.

Messages are built from trusted parts only (our own words, the API's validation messages and status), and say what
to do next. Unexpected exceptions are logged with their traceback and summarised without their text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api.paths import path_segments
from flowtly_mcp.api.redact import redact
from flowtly_mcp.api.write_ledger import WRITE_METHODS

logger = logging.getLogger("flowtly_mcp.tools")


class ToolInputError(ValueError):
    """The caller's arguments cannot work; the message names the field and what to do."""


class ToolRefused(Exception):
    """The call was understood but deliberately not carried out (a guard, a preflight, read-only mode)."""


_FAMILY = re.compile(r"^[a-z-]+$")


def _what(path: str) -> str:
    """A readable name for what a 404 path pointed at: "invoice 12", or the path itself when unknown."""
    try:
        segments, _ = path_segments(path)
    except ValueError:
        return path
    if len(segments) < 2 or not _FAMILY.match(segments[0]):
        return path
    family, record_id = segments[0], segments[1]
    if family == "e-invoicing":
        return f"e-invoice for {segments[2]}" if len(segments) > 2 and record_id == "invoices" else path
    return f"{_singular(family)} {record_id}"


def _lister(path: str) -> str:
    """The tool that lists the records of a 404 path's family: "list_invoice_rows" for /invoice-rows/3."""
    try:
        segments, _ = path_segments(path)
    except ValueError:
        return "the matching list tool"
    if len(segments) < 2 or not _FAMILY.match(segments[0]):
        return "the matching list tool"
    if segments[0] == "e-invoicing":
        return "list_invoices"
    return "list_" + segments[0].replace("-", "_")


def _singular(family: str) -> str:
    """A record's name from its path family: "invoice-rows" -> "invoice row", "counterparties" -> "counterparty"."""
    name = family[:-3] + "y" if family.endswith("ies") else family.removesuffix("s")
    return name if name.startswith("e-") else name.replace("-", " ")


def _problem(item: Mapping[str, Any]) -> str:
    """One validation problem in plain words: pydantic's own text, without its type tags and prefixes."""
    kind = item.get("type")
    if kind == "extra_forbidden":
        return "is not an argument of this tool; remove it (the tool's input schema lists its arguments)"
    if kind == "missing":
        return "is required"
    message = str(item.get("msg") or "is not valid")
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[:1].lower() + message[1:]


def format_validation_error(error: ValidationError) -> str:
    return (
        "Invalid arguments — " + format_problems(error.errors(include_url=False)) + ". Fix these fields and call again."
    )


def format_problems(problems: Sequence[Mapping[str, Any]]) -> str:
    """Validation problems in plain words, each naming its field: `limit: input should be ...; name is required`."""
    parts = []
    for item in problems[:8]:
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        problem = _problem(item)
        parts.append(f"{where} {problem}" if problem.startswith("is ") else f"{where}: {problem}")
    more = len(problems) - 8
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def describe_failure(exc: BaseException, tool: str) -> str:
    """The text of the isError result for `exc`, with every credential masked.

    API texts are redacted where they are parsed, but violation messages, refusals quoting a record and our own
    words all pass through here on their way to a result or the audit: this is the one place that sees them all.
    """
    return redact(_describe(exc, tool))


def _describe(exc: BaseException, tool: str) -> str:
    if isinstance(exc, ToolInputError | ToolRefused):
        return str(exc)
    if isinstance(exc, ValidationError):
        return format_validation_error(exc)
    if isinstance(exc, api_errors.InvalidCursor):
        return f"The cursor is not valid for this listing ({exc}). Call again without a cursor to start over."
    if isinstance(exc, api_errors.ConfigurationError):
        return f"The server is not configured to reach Flowtly: {exc}"
    if isinstance(exc, api_errors.UnprocessableEntity):
        fields = "; ".join(v.describe() for v in exc.violations) or exc.message
        return f"Flowtly rejected the data — {fields}. Fix these fields and call again; nothing was changed."
    if isinstance(exc, api_errors.NotFound):
        return f"Not found: {_what(exc.path)}. Check the id; {_lister(exc.path)} shows valid ones."
    if isinstance(exc, api_errors.RateLimited):
        wait = f"retry after {exc.retry_after:.0f} s" if exc.retry_after is not None else "retry in a minute"
        return f"Flowtly is rate limiting requests; {wait}."
    if isinstance(exc, api_errors.AuthenticationError):
        return f"Flowtly refused the credentials (HTTP 401): {exc.message}"
    if isinstance(exc, api_errors.PermissionDenied):
        return f"This Flowtly account may not do that (HTTP 403: {exc.message})."
    if isinstance(exc, api_errors.Conflict):
        return f"Flowtly refused because of the record's current state: {exc.message}"
    if isinstance(exc, api_errors.BadRequest):
        return f"Flowtly could not accept the request: {exc.message}. Fix the input and call again."
    write = isinstance(exc, api_errors.ApiError) and exc.method in WRITE_METHODS
    unsure = " The change may or may not have been applied: read the record back before trying again." if write else ""
    if isinstance(exc, api_errors.ServerError):
        return f"Flowtly failed with HTTP {exc.status}.{unsure or ' Try again later.'}"
    if isinstance(exc, api_errors.ApiTimeout):
        return f"Flowtly did not answer in time.{unsure or ' Try again later.'}"
    if isinstance(exc, api_errors.ApiConnectionError):
        return f"Could not reach Flowtly ({exc.message}).{unsure or ' Check the network and FLOWTLY_BASE_URL.'}"
    if isinstance(exc, api_errors.ApiError):
        return f"Flowtly answered in an unexpected way: {exc.message}.{unsure}"
    logger.exception("unexpected error in tool %s", tool, exc_info=exc)
    return f"Internal error in {tool}; it was logged on the server. Nothing suggests the input was wrong."
