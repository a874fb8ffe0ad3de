"""A transport that stands between the client and a real server (the sandbox) and injects network faults.

Only what a server cannot be asked to do is faked here: refused connections, resets, timeouts, rate limiting,
gateway errors, proxy HTML pages, truncated bodies. Every request that is not faulted reaches the server as is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
import anyio.lowlevel
import httpx2

Match = Callable[[httpx2.Request], bool]


def on(method: str, path_part: str = "") -> Match:
    """Match requests by method and a fragment of the path."""
    return lambda request: request.method == method and path_part in request.url.path


@dataclass
class Fault:
    """What happens to the next `times` requests that `match`.

    `raises` is raised either before the request reaches the server (`reach_server=False`) or after the server has
    handled it (`reach_server=True`: the answer is lost on the way back). Otherwise `status`/`body`/`headers` are
    answered, again either instead of the server or after it handled the request.
    """

    match: Match
    raises: type[httpx2.TransportError] | None = None
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    reach_server: bool = False
    times: int = 1


class FaultyTransport(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport, *faults: Fault) -> None:
        self.inner = inner
        self.faults = list(faults)
        self.seen: list[httpx2.Request] = []
        self.reached_server: list[httpx2.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def add(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def count(self, method: str, path_part: str = "") -> int:
        return sum(1 for request in self.seen if on(method, path_part)(request))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._handle(request)
        finally:
            self.in_flight -= 1

    async def _handle(self, request: httpx2.Request) -> httpx2.Response:
        # A real network yields to other tasks while a request travels; the in-process app would not.
        await anyio.lowlevel.checkpoint()
        await request.aread()
        self.seen.append(request)
        fault = self._take(request)
        if fault is None or fault.reach_server:
            self.reached_server.append(request)
            response = await self.inner.handle_async_request(request)
            await response.aread()
            if fault is None:
                return response
        assert fault is not None
        if fault.raises is not None:
            raise fault.raises(f"injected {fault.raises.__name__}", request=request)
        return httpx2.Response(fault.status, headers=fault.headers, content=fault.body, request=request)

    def _take(self, request: httpx2.Request) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.match(request):
                fault.times -= 1
                return fault
        return None

    async def aclose(self) -> None:
        await self.inner.aclose()


class PartialPagination(httpx2.AsyncBaseTransport):
    """Rewrites the sandbox's collections the way API Platform's partial pagination sends them.

    No total, no first or last page, and a `next` link whenever the page is full, even when nothing follows.
    """

    def __init__(self, inner: httpx2.AsyncBaseTransport, page_size: int) -> None:
        self.inner = inner
        self.page_size = page_size

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        if request.method != "GET" or response.status_code != 200 or b'"hydra:member"' not in body:
            return httpx2.Response(response.status_code, headers=response.headers, content=body, request=request)
        document = json.loads(body)
        document.pop("hydra:totalItems", None)
        page = int(request.url.params.get("page", "1"))
        view = {"@id": f"{request.url.path}?page={page}", "@type": "hydra:PartialCollectionView"}
        if len(document["hydra:member"]) >= self.page_size:
            view["hydra:next"] = f"{request.url.path}?page={page + 1}"
        document["hydra:view"] = view
        headers = {"content-type": response.headers["content-type"]}
        return httpx2.Response(200, headers=headers, content=json.dumps(document).encode(), request=request)
