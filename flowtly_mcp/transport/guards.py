"""ASGI guards in front of the MCP endpoint: DNS-rebinding protection, bearer tokens, and loopback-only service.

Each guard is a plain ASGI wrapper that answers a refused request itself and passes everything else (including the
lifespan) through untouched. Host and Origin are checked first, so a foreign page learns nothing, not even whether
a token would be required.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterable, Sequence

from pydantic import SecretStr
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from flowtly_mcp.transport.settings import is_loopback

logger = logging.getLogger("flowtly_mcp.transport")

REALM = "flowtly-mcp"


def matches(value: str, patterns: Iterable[str]) -> bool:
    """`value` equals a pattern, or a `base:*` pattern's base with any port (case-insensitive)."""
    value = value.lower()
    for pattern in patterns:
        pattern = pattern.lower()
        if value == pattern or (
            pattern.endswith(":*") and value.startswith(pattern[:-1]) and value[len(pattern) - 1 :].isdigit()
        ):
            return True
    return False


class HostOriginGuard:
    """421 for a Host header that is not ours, 403 for an Origin that is not allowed (DNS-rebinding protection).

    A page on an attacker's domain that re-points its name at 127.0.0.1 still sends its own Host, and a browser
    always sends the page's Origin, so both give it away.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: Sequence[str] | None,
        origins: Sequence[str] | None,
        exempt: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.hosts = hosts
        self.origins = origins
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.hosts is not None and not matches(host, self.hosts):
            logger.warning("refused a request for host %r", host[:100])
            await PlainTextResponse("Invalid Host header", status_code=421)(scope, receive, send)
            return
        origin = headers.get("origin")
        if self.origins is not None and origin is not None and not matches(origin, self.origins):
            logger.warning("refused a request from origin %r", origin[:100])
            await PlainTextResponse("Invalid Origin header", status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _digest(token: str) -> bytes:
    # Comparing fixed-length digests keeps the comparison's time independent of the tokens' lengths.
    return hashlib.sha256(token.encode()).digest()


class TokenSet:
    """The bearer tokens that open this server; checking one takes the same time whichever it matches."""

    def __init__(self, tokens: Iterable[SecretStr]) -> None:
        self._digests = [_digest(token.get_secret_value()) for token in tokens]
        if not self._digests:
            raise ValueError("at least one token is required")

    def accepts(self, presented: str) -> bool:
        candidate = _digest(presented)
        found = False
        for digest in self._digests:
            found |= hmac.compare_digest(candidate, digest)
        return found


def bearer_token(headers: Headers) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    token = credentials.strip()
    return token if scheme.lower() == "bearer" and token else None


class BearerGuard:
    """401 with a `WWW-Authenticate` challenge unless the request carries one of the configured bearer tokens.

    The challenge names the RFC 9728 protected-resource metadata URL so that clients can discover how to
    authenticate. The token only opens this server: requests to Flowtly use the server's own credentials.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: TokenSet,
        metadata_url: Callable[[Scope], str],
        exempt: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.metadata_url = metadata_url
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        presented = bearer_token(Headers(scope=scope))
        if presented is not None and self.tokens.accepts(presented):
            await self.app(scope, receive, send)
            return
        await self._challenge(scope, presented is not None)(scope, receive, send)

    def _challenge(self, scope: Scope, presented: bool) -> Response:
        params = [f'realm="{REALM}"', f'resource_metadata="{self.metadata_url(scope)}"']
        if presented:
            # RFC 6750 §3.1: name the error only when credentials were sent.
            params.append('error="invalid_token", error_description="The bearer token is not valid"')
            body = {"error": "invalid_token", "error_description": "The bearer token is not valid."}
        else:
            body = {"error": "unauthorized", "error_description": "Send 'Authorization: Bearer <token>'."}
        return Response(
            json.dumps(body),
            status_code=401,
            media_type="application/json",
            headers={"WWW-Authenticate": "Bearer " + ", ".join(params)},
        )


class LoopbackOnly:
    """Without tokens, answer only connections that arrived on a loopback address.

    The app cannot see the address uvicorn binds, but it sees the local address of every connection: this stops
    `uvicorn --host 0.0.0.0` without FLOWTLY_HTTP_TOKENS from serving the network.
    """

    def __init__(self, app: ASGIApp, *, exempt: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        server = scope.get("server")
        if server is not None and not is_loopback(str(server[0])):
            message = "This server has no authentication configured and serves loopback only; set FLOWTLY_HTTP_TOKENS."
            await PlainTextResponse(message, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
