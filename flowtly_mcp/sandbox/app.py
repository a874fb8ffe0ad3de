"""The sandbox as an ASGI application: routing, authentication, negotiation, rendering and the request log."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from flowtly_mcp.sandbox import codec, errors, negotiation
from flowtly_mcp.sandbox.auth import Authenticator
from flowtly_mcp.sandbox.config import SandboxConfig
from flowtly_mcp.sandbox.errors import ApiError, AuthFailed, ValidationFailed
from flowtly_mcp.sandbox.protocol import Call, Reply
from flowtly_mcp.sandbox.query import parse_query
from flowtly_mcp.sandbox.render import strip_linked_data
from flowtly_mcp.sandbox.router import Body, Route, Router
from flowtly_mcp.sandbox.routes import all_routes
from flowtly_mcp.sandbox.rules import behaviours
from flowtly_mcp.sandbox.seeding import initial_dataset
from flowtly_mcp.sandbox.store import Store
from flowtly_mcp.sandbox.world import World

logger = logging.getLogger("flowtly_mcp.sandbox")

RequestLogEntry = tuple[str, str, str, int]
_DOCS_LINK = '</api/docs.json>; rel="http://www.w3.org/ns/hydra/core#apiDocumentation"'


class Sandbox:
    """One emulated Flowtly account: the store, its rules and the ASGI app serving them.

    `request_log` lists (method, path, query, status) of every request served, for tests; it never holds
    headers, so tokens and passwords stay out of it.
    """

    def __init__(self, config: SandboxConfig | None = None, *, opened: sqlite3.Connection | None = None) -> None:
        """`opened`: the configured database, already locked with `store.open_database` (see `deferred.py`)."""
        self.config = config or SandboxConfig()
        self.store = Store(self.config.db_path, opened=opened)
        self.world = World(self.config, self.store, behaviours())
        try:
            if self.store.is_empty():
                self._seed()
        except BaseException:
            self.store.close()  # let go of the database file: nothing was served from it
            raise
        self.auth = Authenticator(self.store, self.config.token, dict(self.config.users), self.config.jwt_ttl_seconds)
        self.router = Router(all_routes(self.auth))
        self.request_log: list[RequestLogEntry] = []
        self.app = SandboxApp(self)

    @property
    def today(self) -> date:
        """The sandbox's calendar day: the configured one, or the wall clock's."""
        return self.world.today

    def _seed(self) -> None:
        self.store.load(initial_dataset(self.config, self.world.today))

    def reset(self) -> None:
        """Throw away every change and load the seed dataset again."""
        self._seed()

    def close(self) -> None:
        self.store.close()

    # --- serving -------------------------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, raw_query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: (status, headers, body)."""
        plain = negotiation.lenient_plain_json(headers.get("accept"))
        try:
            route, params = self.router.match("GET" if method == "HEAD" else method, path)
            if not route.public:
                self.auth.check(headers.get("authorization"))
            if not route.download:
                plain = negotiation.wants_plain_json(headers.get("accept"))
            call = Call(
                world=self.world,
                method=method,
                path=path,
                params=params,
                query=parse_query(raw_query),
                raw_query=raw_query,
                headers=headers,
                body=body,
                plain_json=plain,
            )
            _check_content_type(route, call)
            # One transaction per request: a request that fails half-way (a refused rule, a full disk) leaves
            # nothing behind, in the database or in memory, and only such a request answers an error.
            with self.store.batch():
                reply = route.handler(call)
            return self._render(reply, plain)
        except ApiError as error:
            return self._error(error.status, error.detail, plain, error.headers)
        except ValidationFailed as failure:
            document = errors.violations_document(
                failure.violations, hydra_prefix=self.config.hydra_prefix, linked_data=not plain
            )
            return 422, _problem_headers(), codec.dumps(document).encode()
        except AuthFailed as failure:
            body_bytes = codec.dumps({"code": 401, "message": failure.message}).encode()
            return 401, {"content-type": "application/json", "www-authenticate": "Bearer"}, body_bytes
        except Exception:
            logger.exception("sandbox failure on %s %s", method, path)
            return self._error(500, "Internal Server Error", plain, {})

    def _render(self, reply: Reply, plain: bool) -> tuple[int, dict[str, str], bytes]:
        headers = {key.lower(): value for key, value in reply.headers.items()}
        if reply.content is not None:
            headers["content-type"] = reply.media_type or "application/octet-stream"
            return reply.status, headers, reply.content
        if reply.status == 204 or reply.document is None:
            return reply.status, headers, b""
        document = strip_linked_data(reply.document) if plain else reply.document
        media_type = reply.media_type or (negotiation.JSON if plain else negotiation.JSONLD)
        headers["content-type"] = f"{media_type}; charset=utf-8"
        headers["vary"] = "Accept"
        headers["link"] = _DOCS_LINK
        return reply.status, headers, codec.dumps(document).encode()

    def _error(self, status: int, detail: str, plain: bool, extra: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        document = errors.error_document(status, detail, hydra_prefix=self.config.hydra_prefix, linked_data=not plain)
        headers = _problem_headers()
        headers.update({key.lower(): value for key, value in extra.items()})
        return status, headers, codec.dumps(document).encode()


def _problem_headers() -> dict[str, str]:
    return {"content-type": "application/problem+json; charset=utf-8", "link": errors.ERROR_LINK}


def _check_content_type(route: Route, call: Call) -> None:
    if route.body is Body.JSON:
        negotiation.require_json_body(call.content_type)
    elif route.body is Body.MERGE_PATCH:
        negotiation.require_merge_patch(call.content_type)
    elif route.body is Body.OPTIONAL_JSON and call.body.strip():
        negotiation.require_json_body(call.content_type)


class SandboxApp:
    """The ASGI application of one sandbox: reads the request, lets the sandbox answer it, logs the outcome."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        headers = {key.lower(): value for key, value in request.headers.items()}
        method = request.method.upper()
        path = request.url.path
        raw_query = scope.get("query_string", b"").decode("latin-1")
        status, response_headers, content = self.sandbox.handle(method, path, raw_query, headers, body)
        self.sandbox.request_log.append((method, path, raw_query, status))
        media_type = response_headers.pop("content-type", None)
        response = Response(content, status_code=status, headers=response_headers, media_type=media_type)
        await response(scope, receive, send)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(config: SandboxConfig | None = None) -> SandboxApp:
    """The ASGI app of a fresh sandbox (`Sandbox(config).app`)."""
    return Sandbox(config).app
