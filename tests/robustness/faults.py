"""A transport between the API client and the in-process sandbox that injects what networks and proxies do wrong.

Only the wire is faked: rate limiting, gateway errors, HTML error pages, connection resets, timeouts (before, during
and after the body), truncated and mistyped bodies, answers slower than the client's timeout. A fault either stands
in for the server (the request never reaches it) or happens after the server handled the request (the answer is
lost on the way back: a write has then taken effect). Every request without a fault reaches the sandbox unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import anyio
import httpx2

Match = Callable[[httpx2.Request], bool]

JSON_LD = "application/ld+json; charset=utf-8"
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"
)


def on(method: str | None = None, path: str = "") -> Match:
    """Requests with this method (any when None) whose path contains `path`."""
    return lambda request: (method is None or request.method == method) and path in request.url.path


def on_path_end(method: str, suffix: str) -> Match:
    return lambda request: request.method == method and request.url.path.endswith(suffix)


class Fault:
    """What happens instead of a normal answer. `reaches_server`: the sandbox handles the request first."""

    reaches_server = False

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        raise NotImplementedError


@dataclass
class Status(Fault):
    """An error status from something in front of the server (a rate limiter, a gateway, a proxy)."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        headers = dict(self.headers)
        if self.content_type:
            headers["content-type"] = self.content_type
        return httpx2.Response(self.status, headers=headers, content=self.body, request=request)


@dataclass
class StatusAfterServer(Status):
    """The server handled the request, then a gateway answered with an error instead of passing the answer on."""

    reaches_server = True


@dataclass
class Raise(Fault):
    """A transport failure: before the request reaches the server, or after it was handled (the answer is lost)."""

    error: type[httpx2.TransportError]
    message: str = "Connection reset by peer"
    reaches_server: bool = False

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        raise self.error(self.message, request=request)


class _BreakingStream(httpx2.AsyncByteStream):
    def __init__(self, first: bytes, error: type[httpx2.TransportError], request: httpx2.Request) -> None:
        self._first = first
        self._error = error
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._first
        raise self._error("the body stopped arriving", request=self._request)

    async def aclose(self) -> None:
        return None


@dataclass
class BreakMidBody(Fault):
    """The status and headers arrive, then part of the body, then the connection times out or resets."""

    error: type[httpx2.TransportError] = httpx2.ReadTimeout
    reaches_server = True

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        assert served is not None
        body = served.content
        headers = {k: v for k, v in served.headers.items() if k.lower() != "content-length"}
        stream = _BreakingStream(body[: len(body) // 2], self.error, request)
        return httpx2.Response(served.status_code, headers=headers, stream=stream, request=request)


@dataclass
class Truncate(Fault):
    """A complete HTTP answer whose JSON body was cut short (a proxy buffer limit, a crashed worker)."""

    keep: float = 0.5
    reaches_server = True

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        assert served is not None
        body = served.content[: int(len(served.content) * self.keep)]
        headers = {k: v for k, v in served.headers.items() if k.lower() != "content-length"}
        return httpx2.Response(served.status_code, headers=headers, content=body, request=request)


@dataclass
class Replace(Fault):
    """The server's answer replaced by another body and type (a captive portal, a misrouted proxy)."""

    status: int
    body: bytes
    content_type: str
    reaches_server = True

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        return httpx2.Response(
            self.status, headers={"content-type": self.content_type}, content=self.body, request=request
        )


@dataclass
class Retype(Fault):
    """The server's own body, labelled with the wrong content type."""

    content_type: str
    reaches_server = True

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        assert served is not None
        headers = {k: v for k, v in served.headers.items() if k.lower() != "content-type"}
        headers["content-type"] = self.content_type
        return httpx2.Response(served.status_code, headers=headers, content=served.content, request=request)


@dataclass
class Slow(Fault):
    """An answer that takes `seconds`; past the client's read timeout the client gives up, as a socket would."""

    seconds: float
    reaches_server = True

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        assert served is not None
        timeouts = request.extensions.get("timeout", {})
        limit = timeouts.get("read") if isinstance(timeouts, dict) else None
        if limit is not None and self.seconds > limit:
            await anyio.sleep(limit)
            raise httpx2.ReadTimeout("timed out waiting for the answer", request=request)
        await anyio.sleep(self.seconds)
        return served


@dataclass
class RaiseEchoing(Fault):
    """A transport failure whose message, as some libraries write them, repeats the request's headers."""

    error: type[httpx2.TransportError] = httpx2.ReadError

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        raise self.error(f"connection lost while sending {dict(request.headers)}", request=request)


@dataclass
class EchoRequest(Fault):
    """A careless server or proxy that repeats the request, headers and body included, in its error answer."""

    status: int = 400

    async def answer(self, request: httpx2.Request, served: httpx2.Response | None) -> httpx2.Response:
        echoed = {
            "detail": f"rejected {request.method} {request.url} with headers {dict(request.headers)} "
            f"and body {request.content.decode(errors='replace')}",
            "headers": dict(request.headers),
        }
        return httpx2.Response(self.status, json=echoed, request=request)


@dataclass
class Rule:
    match: Match
    fault: Fault
    times: int | None  # None: every matching request
    hits: int = 0


class FaultTransport(httpx2.AsyncBaseTransport):
    """Wraps the sandbox's transport; `inject` arms a fault for the next matching requests."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.rules: list[Rule] = []
        self.seen: list[tuple[str, str]] = []
        # Every credential the client sent (tokens from logins included): what must never show up anywhere else.
        self.authorizations: set[str] = set()

    def inject(self, fault: Fault, match: Match | None = None, *, times: int | None = 1) -> Rule:
        rule = Rule(match or on(), fault, times)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def _take(self, request: httpx2.Request) -> Rule | None:
        for rule in self.rules:
            if (rule.times is None or rule.hits < rule.times) and rule.match(request):
                rule.hits += 1
                return rule
        return None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        self.seen.append((request.method, request.url.path))
        if "authorization" in request.headers:
            self.authorizations.add(request.headers["authorization"].split(" ", 1)[-1])
        rule = self._take(request)
        if rule is None:
            return await self.inner.handle_async_request(request)
        served = None
        if rule.fault.reaches_server:
            served = await self.inner.handle_async_request(request)
            await served.aread()
        return await rule.fault.answer(request, served)

    async def aclose(self) -> None:
        await self.inner.aclose()
