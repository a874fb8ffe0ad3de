"""The exceptions the Flowtly client raises, one class per kind of failure a caller may want to handle.

Every API error carries the method, the request path (secret-looking query values masked), the HTTP status when
there was one, and a one-line message that names the cause or the offending fields, ready to show to a person or
a model. No request header, and so no credential, is ever part of an error.
"""

from __future__ import annotations

from typing import NamedTuple

from .redact import redact


class FlowtlyError(Exception):
    """Base class of everything this client raises on purpose."""


class ConfigurationError(FlowtlyError):
    """The settings cannot work: missing credentials, a malformed URL, an unusable number."""


class InvalidCursor(FlowtlyError, ValueError):
    """A pagination cursor that is garbled, edited, or was issued for another listing."""


class Violation(NamedTuple):
    """One failed validation constraint, as API Platform reports it."""

    property_path: str
    message: str
    code: str | None

    def describe(self) -> str:
        return f"{self.property_path}: {self.message}" if self.property_path else self.message


class ApiError(FlowtlyError):
    """A request to Flowtly failed.

    `message` is the one-line cause; `str(error)` adds the request it belongs to.
    """

    def __init__(self, message: str, *, method: str, path: str, status: int | None = None) -> None:
        self.message = redact(" ".join(message.split())) or "no details given"
        self.method = method
        self.path = path
        self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f"{self.method} {self.path}"
        if self.status is not None:
            where += f" answered {self.status}"
        return f"{self.message} ({where})"

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.message!r}, method={self.method!r}, path={self.path!r}, status={self.status!r})"


class ApiStatusError(ApiError):
    """Flowtly answered with an error status (4xx/5xx) or an unexpected redirect."""

    status: int

    def __init__(self, message: str, *, method: str, path: str, status: int) -> None:
        super().__init__(message, method=method, path=path, status=status)


class BadRequest(ApiStatusError):
    """400: malformed JSON, an unknown IRI, a wrong type."""


class AuthenticationError(ApiStatusError):
    """401: missing, expired or rejected credentials (also a failed login)."""


class PermissionDenied(ApiStatusError):
    """403: the account may not do this."""


class NotFound(ApiStatusError):
    """404: no such record or route."""


class MethodNotAllowed(ApiStatusError):
    """405: the route exists but not for this method."""


class NotAcceptable(ApiStatusError):
    """406: the server cannot produce the requested format."""


class Conflict(ApiStatusError):
    """409: the request clashes with the record's current state."""


class UnsupportedMediaType(ApiStatusError):
    """415: the body was sent with a content type the operation does not take."""


class UnprocessableEntity(ApiStatusError):
    """422: validation failed; `violations` lists each field and what is wrong with it."""

    def __init__(
        self, message: str, *, method: str, path: str, status: int = 422, violations: list[Violation] | None = None
    ) -> None:
        super().__init__(message, method=method, path=path, status=status)
        self.violations: list[Violation] = list(violations or [])


class RateLimited(ApiStatusError):
    """429: too many requests; `retry_after` is the wait the server asked for, in seconds, when it said."""

    def __init__(
        self, message: str, *, method: str, path: str, status: int = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, method=method, path=path, status=status)
        self.retry_after = retry_after


class ServerError(ApiStatusError):
    """5xx: the server failed; the request may or may not have taken effect."""


class ApiConnectionError(ApiError):
    """The request could not be completed on the network: refused, reset, DNS, TLS."""


class ApiTimeout(ApiError):
    """No answer within the configured connect or read timeout."""


class UnreadableResponse(ApiError):
    """A successful status but a body that cannot be what was asked for: HTML, truncated JSON, another format."""


STATUS_CLASSES: dict[int, type[ApiStatusError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
    409: Conflict,
    415: UnsupportedMediaType,
    422: UnprocessableEntity,
    429: RateLimited,
}


def status_class(status: int) -> type[ApiStatusError]:
    """The most specific exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return STATUS_CLASSES.get(status, ApiStatusError)
