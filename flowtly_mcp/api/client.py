"""FlowtlyClient: the one object the rest of the server uses to talk to Flowtly.

It turns calls in terms of records (get, create, patch, delete, list, download) into requests, and responses
back into Python values with money as Decimal. Transport, credentials and retries live in `requester`; the rules
for walking pages in `paging`; references in `refs`; wire types in `wire`.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import anyio
import httpx2

from . import hydra, jsoncodec
from .cursor import decode_cursor, encode_cursor, listing_scope
from .error_body import html_title
from .errors import UnreadableResponse
from .models import Download, Page, Slice
from .paging import PaginationStuck, Position, take_slice, walk_pages
from .paths import family_of
from .query import Params, QueryPairs, encode_params, without
from .redact import safe_target
from .refs import Ref, item_path
from .requester import Clock, Requester, Sleep
from .settings import ApiSettings
from .wire import prepare_body

JSON_LD = "application/ld+json"
MERGE_PATCH = "application/merge-patch+json"
ANY_TYPE = "*/*"
PAGE_PARAM = "page"
PAGE_SIZE_PARAM = "itemsPerPage"

Progress = Callable[[int, int | None], Awaitable[None] | None]


class FlowtlyClient:
    """An async Flowtly API client; use it as `async with FlowtlyClient(settings) as api: ...`.

    `transport` replaces the network (the sandbox's ASGI app in tests and in sandbox mode). `sleep`, `clock` and
    `rng` drive retry waits and exist so that waits can be observed without waiting.
    """

    def __init__(
        self,
        settings: ApiSettings,
        transport: httpx2.AsyncBaseTransport | None = None,
        *,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self._made: Requester | None = None
        self._declared: dict[str, frozenset[str] | None] = {}

    @property
    def _requester(self) -> Requester:
        # Made on the first request: the HTTP client and its TLS context cost a server's start-up otherwise, before
        # it has answered `initialize`, and many sessions list tools long before they call one.
        if self._made is None:
            self._made = Requester(self.settings, self._transport, sleep=self._sleep, clock=self._clock, rng=self._rng)
        return self._made

    async def __aenter__(self) -> FlowtlyClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._made is not None:
            await self._made.aclose()

    def __repr__(self) -> str:
        return f"FlowtlyClient(base_url={self.settings.base_url!r}, auth={self.settings.auth_mode!r})"

    # -- single requests -------------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        family: str | None = None,
        accept: str | None = None,
    ) -> Any:
        """Send one request and return its JSON body (numbers with a fraction as Decimal), or None if empty."""
        response = await self.request_raw(method, path, params=params, json=json, family=family, accept=accept)
        return _parse_json(response)

    async def request_raw(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        family: str | None = None,
        accept: str | None = None,
    ) -> httpx2.Response:
        """Send one request and return the 2xx response as received (for files and unusual bodies)."""
        method = method.upper()
        target, pairs = self._split(path, params)
        content = content_type = None
        if json is not None:
            body = prepare_body(json, family or family_of(target))
            content = jsoncodec.dumps(body).encode()
            content_type = MERGE_PATCH if method == "PATCH" else JSON_LD
        return await self._requester.send(
            method, target, params=pairs, content=content, content_type=content_type, accept=accept or JSON_LD
        )

    async def get(self, path_or_iri: str, params: Params | None = None) -> dict[str, Any]:
        """One record (or any JSON object) by path, IRI or URL."""
        return _expect_object(await self.request("GET", path_or_iri, params=params), "GET", path_or_iri)

    async def create(self, path: str, body: Mapping[str, Any], *, family: str | None = None) -> dict[str, Any]:
        """POST a new record; returns it as the server stored it."""
        return _object_or_empty(await self.request("POST", path, json=body, family=family), "POST", path)

    async def patch(self, path_or_iri: str, body: Mapping[str, Any], *, family: str | None = None) -> dict[str, Any]:
        """Change the given fields only (JSON Merge Patch: `None` clears a field); returns the updated record."""
        return _object_or_empty(
            await self.request("PATCH", path_or_iri, json=body, family=family), "PATCH", path_or_iri
        )

    async def delete(self, path_or_iri: str) -> None:
        await self.request_raw("DELETE", path_or_iri)

    async def post_action(self, path: str, body: Any = None) -> Any:
        """POST to an operation (send, merge, import...); its JSON answer, or None for 202/204 or an empty body."""
        return await self.request("POST", path, json=body)

    async def download(
        self, method: str, path: str, *, params: Params | None = None, json: Any = None, accept: str | None = None
    ) -> Download:
        """Fetch a file (PDF, XML, UPO, MT940, ZIP) with its type, name, size and SHA-256."""
        response = await self.request_raw(method, path, params=params, json=json, accept=accept or ANY_TYPE)
        return Download.of(
            response.content,
            response.headers.get("content-type", "application/octet-stream"),
            response.headers.get("content-disposition"),
        )

    def item_path(self, family: str, ref: Ref) -> str:
        """The request path of one record from its id, IRI or URL."""
        return item_path(family, ref, self.settings.path_prefix)

    # -- collections -----------------------------------------------------------------------------------------

    async def declared_filters(self, path: str) -> frozenset[str] | None:
        """The filters a collection declares (its `hydra:search` variables), read once per collection.

        None when the server publishes no mapping. One small page is read to learn them.
        """
        target, _ = self._split(path, None)
        if target not in self._declared:
            body = await self.request("GET", target, params=[(PAGE_SIZE_PARAM, "1")])
            self._declared[target] = hydra.search_variables(body)
        return self._declared[target]

    async def get_page(
        self, path: str, params: Params | None = None, *, page: int = 1, items_per_page: int | None = None
    ) -> Page:
        """One page of a collection."""
        if page < 1:
            raise ValueError(f"page numbers start at 1, got {page}")
        if items_per_page is not None and items_per_page < 1:
            raise ValueError(f"items_per_page must be at least 1, got {items_per_page}")
        target, pairs = self._split_listing(path, params, items_per_page)
        return await self._fetch_page(target, pairs, page)

    async def iterate(
        self, path: str, params: Params | None = None, *, concurrency: int | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every record of a collection, in the server's order, across all pages."""
        async for page in self._pages(path, params, concurrency):
            for item in page.items:
                yield item

    async def pages(
        self, path: str, params: Params | None = None, *, concurrency: int | None = None
    ) -> AsyncIterator[Page]:
        """Every page of a collection in order, `concurrency` requests in flight (the setting's when None): a caller
        can fold each page as it arrives instead of holding every record."""
        async for page in self._pages(path, params, concurrency):
            yield page

    async def each_page(
        self,
        path: str,
        handle: Callable[[Page], Awaitable[None]],
        params: Params | None = None,
        *,
        concurrency: int | None = None,
    ) -> int:
        """Call `handle` with every page of a collection as soon as it arrives, in whatever order the pages come;
        returns the number of pages.

        For work that does not depend on order (sums, counts, rankings): `concurrency` requests stay in flight
        while earlier pages are handled, where `pages` waits for a whole window. The first page tells how many
        there are; without that, the pages are walked one after another as `pages` does.
        """
        target, pairs = self._split_listing(path, params)
        width = self.settings.concurrency if concurrency is None else max(1, concurrency)
        first = await self._fetch_page(target, pairs, 1)
        await handle(first)
        last = first.last_page
        if first.next_page is None:
            return 1
        if last is None or width == 1:
            handled = 1
            async for page in self._pages(path, params, 1):
                if page.page > 1:
                    await handle(page)
                    handled += 1
            return handled
        numbers = iter(range(2, last + 1))

        async def worker() -> None:
            for number in numbers:  # shared: each number is taken by one worker
                await handle(await self._fetch_page(target, pairs, number))

        try:
            async with anyio.create_task_group() as group:
                for _ in range(min(width, last - 1)):
                    group.start_soon(worker)
        except BaseExceptionGroup as failures:
            first_failure: BaseException = failures
            while isinstance(first_failure, BaseExceptionGroup):
                first_failure = first_failure.exceptions[0]
            raise first_failure.with_traceback(first_failure.__traceback__) from None
        return last

    async def fetch_all(
        self,
        path: str,
        params: Params | None = None,
        *,
        concurrency: int | None = None,
        on_progress: Progress | None = None,
    ) -> list[dict[str, Any]]:
        """Every record of a collection; `on_progress(done_pages, total_pages or None)` after each page."""
        records: list[dict[str, Any]] = []
        total_pages: int | None = None
        done = 0
        async for page in self._pages(path, params, concurrency):
            records.extend(page.items)
            done += 1
            if total_pages is None or (page.last_page is not None and page.last_page > total_pages):
                total_pages = page.last_page
            if on_progress is not None:
                outcome = on_progress(done, total_pages)
                if inspect.isawaitable(outcome):
                    await outcome
        return records

    async def list_slice(self, path: str, params: Params | None = None, *, limit: int, cursor: str | None) -> Slice:
        """Up to `limit` records from where `cursor` points (the start when None); `next_cursor` resumes after them."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        target, pairs = self._split_listing(path, params)
        scope = listing_scope(target, without(pairs, PAGE_PARAM))
        start = Position(*decode_cursor(cursor, scope)) if cursor else Position(1, 0)

        async def fetch(number: int) -> Page:
            return await self._fetch_page(target, pairs, number)

        try:
            items, total, after = await take_slice(fetch, start, limit)
        except PaginationStuck as stuck:
            raise UnreadableResponse(str(stuck), method="GET", path=safe_target(target)) from None
        next_cursor = encode_cursor(scope, after.page, after.offset) if after is not None else None
        return Slice(items=items, total=total, next_cursor=next_cursor)

    async def _pages(self, path: str, params: Params | None, concurrency: int | None) -> AsyncIterator[Page]:
        target, pairs = self._split_listing(path, params)
        width = self.settings.concurrency if concurrency is None else max(1, concurrency)

        async def fetch(number: int) -> Page:
            return await self._fetch_page(target, pairs, number)

        try:
            async for page in walk_pages(fetch, concurrency=width):
                yield page
        except PaginationStuck as stuck:
            raise UnreadableResponse(str(stuck), method="GET", path=safe_target(target)) from None

    async def _fetch_page(self, target: str, pairs: QueryPairs, page: int) -> Page:
        request_pairs = [*without(pairs, PAGE_PARAM), (PAGE_PARAM, str(page))]
        response = await self._requester.send("GET", target, params=request_pairs, accept=JSON_LD)
        body = _parse_json(response)
        expected = _requested_size(pairs) or self.settings.page_size
        try:
            return hydra.parse_page(body, page=page, expected_size=expected)
        except ValueError as problem:
            raise UnreadableResponse(
                f"expected a collection: {problem}",
                method="GET",
                path=safe_target(str(response.request.url)),
                status=response.status_code,
            ) from None

    def _split_listing(
        self, path: str, params: Params | None, items_per_page: int | None = None
    ) -> tuple[str, QueryPairs]:
        """Like `_split`, asking for the configured page size unless the caller chose one.

        API Platform ignores `itemsPerPage` unless the server allows clients to choose, so asking costs nothing.
        """
        target, pairs = self._split(path, params)
        if items_per_page is not None:
            pairs = [*without(pairs, PAGE_SIZE_PARAM), (PAGE_SIZE_PARAM, str(items_per_page))]
        elif _requested_size(pairs) is None:
            pairs.append((PAGE_SIZE_PARAM, str(self.settings.page_size)))
        return target, pairs

    def _split(self, path: str, params: Params | None) -> tuple[str, QueryPairs]:
        """The request path without query, and all query pairs: those in the path first, then `params`."""
        target = self._requester.target(path)
        base, _, query = target.partition("?")
        return base, [*parse_qsl(query, keep_blank_values=True), *encode_params(params)]


def _requested_size(pairs: QueryPairs) -> int | None:
    for key, value in reversed(pairs):
        if key == PAGE_SIZE_PARAM and value.isdigit():
            return int(value)
    return None


def _parse_json(response: httpx2.Response) -> Any:
    if response.status_code in (202, 204) and not response.content.strip():
        return None
    if not response.content.strip():
        return None
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    method = response.request.method
    if content_type and not (content_type.endswith("json") or content_type.endswith("+json")):
        # The URL is masked for an error only: a page of a long walk does not pay for it.
        path = safe_target(str(response.request.url))
        if "html" in content_type:
            title = html_title(response.text)
            described = f"an HTML page{f' ({title})' if title else ''}"
            raise UnreadableResponse(
                f"expected JSON but the server sent {described}; check FLOWTLY_BASE_URL and FLOWTLY_API_PREFIX",
                method=method,
                path=path,
                status=response.status_code,
            )
        raise UnreadableResponse(
            f"expected JSON but the server sent {content_type}; use download() for files",
            method=method,
            path=path,
            status=response.status_code,
        )
    try:
        return jsoncodec.loads(response.content)
    except ValueError as problem:
        raise UnreadableResponse(
            f"the JSON answer is malformed or cut short ({problem})",
            method=method,
            path=safe_target(str(response.request.url)),
            status=response.status_code,
        ) from None


def _expect_object(value: Any, method: str, path: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise UnreadableResponse(
        f"expected a JSON object, got {type(value).__name__ if value is not None else 'an empty body'}",
        method=method,
        path=safe_target(path),
    )


def _object_or_empty(value: Any, method: str, path: str) -> dict[str, Any]:
    return {} if value is None else _expect_object(value, method, path)
