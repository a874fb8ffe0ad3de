"""Streamable HTTP: the MCP server as an ASGI app, stateless so that any worker or replica can serve any request.

    flowtly-mcp --transport http --port 8000                          # one process
    uvicorn --factory flowtly_mcp.transport.http:create_app --workers 4 --port 8000   # configured from the env

Nothing is kept between requests except in Flowtly itself: confirmation tokens are HMAC-signed with
FLOWTLY_CONFIRM_SECRET, so a preview served by one worker is honoured by another.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Scope

from flowtly_mcp import __version__
from flowtly_mcp.config import ServerSettings
from flowtly_mcp.transport.guards import BearerGuard, HostOriginGuard, LoopbackOnly, TokenSet
from flowtly_mcp.transport.settings import HEALTH_PATH, MCP_PATH, METADATA_PREFIX, HttpSettings

FACTORY = "flowtly_mcp.transport.http:create_app"


def _origin(scope: Scope) -> str:
    # The Host header has passed HostOriginGuard by the time this runs, so it is one of ours.
    host = Headers(scope=scope).get("host") or "127.0.0.1"
    return f"{scope.get('scheme', 'http')}://{host}"


class _Urls:
    """The resource URL and its metadata URL: from FLOWTLY_HTTP_PUBLIC_URL, else from the request."""

    def __init__(self, http: HttpSettings) -> None:
        self.http = http

    def resource(self, scope: Scope) -> str:
        return f"{self.http.public_origin or _origin(scope)}{self.http.public_path}"

    def metadata(self, scope: Scope) -> str:
        # RFC 9728 §3.1: the well-known prefix goes between the origin and the resource's path.
        return f"{self.http.public_origin or _origin(scope)}{METADATA_PREFIX}{self.http.public_path}"


def build_app(server: MCPServer[Any], http: HttpSettings) -> ASGIApp:
    """The ASGI app serving `server` at /mcp, with /healthz and (with tokens) the protected-resource metadata."""
    urls = _Urls(http)
    metadata_paths = sorted({f"{METADATA_PREFIX}{MCP_PATH}", f"{METADATA_PREFIX}{http.public_path}"})

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def resource_metadata(request: Request) -> Response:
        # RFC 9728. No authorization server is named: tokens are issued by the operator, not through OAuth.
        body = {
            "resource": urls.resource(request.scope),
            "bearer_methods_supported": ["header"],
            "resource_name": "Flowtly MCP server",
        }
        return JSONResponse(body, headers={"Cache-Control": "max-age=3600"})

    server.custom_route(HEALTH_PATH, methods=["GET"], include_in_schema=False)(health)
    if http.requires_auth:
        for path in metadata_paths:
            server.custom_route(path, methods=["GET"], include_in_schema=False)(resource_metadata)

    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        # Server-sent events, not one JSON body: progress notifications stream while a tool runs.
        json_response=False,
        # Host and Origin are checked by HostOriginGuard for every path; one rule set, in one place.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        host=http.host,
    )
    public = frozenset({HEALTH_PATH, *metadata_paths})
    if http.requires_auth:
        app = BearerGuard(app, tokens=TokenSet(http.tokens), metadata_url=urls.metadata, exempt=public)
    else:
        app = LoopbackOnly(app, exempt=frozenset({HEALTH_PATH}))
    return HostOriginGuard(
        app,
        hosts=http.host_patterns() if http.checks_hosts else None,
        origins=http.origin_patterns() if http.checks_origins else None,
        exempt=frozenset({HEALTH_PATH}),
    )


def create_app() -> ASGIApp:
    """ASGI app factory for `uvicorn --factory` / gunicorn, configured from FLOWTLY_* and FLOWTLY_HTTP_* variables."""
    from flowtly_mcp.server import build_server

    settings = ServerSettings.from_env()
    settings.api.check_auth()
    http = HttpSettings.from_env()
    http.check(settings)
    return build_app(build_server(settings), http)


def serve(server: MCPServer[Any], http: HttpSettings, *, log_level: str = "warning") -> None:
    """Serve `server` in this process until interrupted."""
    import uvicorn

    uvicorn.run(build_app(server, http), host=http.host, port=http.port, log_level=log_level.lower())


def serve_workers(http: HttpSettings, env: Mapping[str, str], *, log_level: str = "warning") -> None:
    """Serve with `http.workers` processes on one port; each worker builds its own server from the environment."""
    import uvicorn

    os.environ.update({**env, **http.to_env()})
    uvicorn.run(
        FACTORY, factory=True, host=http.host, port=http.port, workers=http.workers, log_level=log_level.lower()
    )
