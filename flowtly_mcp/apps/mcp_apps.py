"""MCP Apps plumbing every flowtly-mcp view shares (io.modelcontextprotocol/ui, SEP-1865).

A view is one self-contained HTML document (no external scripts, fonts or CDNs) served as a `ui://` resource with
the MCP App MIME type. `view_document` reads a view from its package's `static/` folder and puts the shared
postMessage bridge (static/mcp_app_bridge.js here) in place of its marker, so every view speaks the protocol through
the same code; `register_view` adds such a document to a server as a resource.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.types import ClientCapabilities, ListToolsResult, PaginatedRequestParams, Tool

UI_EXTENSION = "io.modelcontextprotocol/ui"
MCP_APP_MIME_TYPE = "text/html;profile=mcp-app"
BRIDGE_MARKER = "<!-- mcp-app-bridge -->"
# The flat key hosts written against the first drafts read (`RESOURCE_URI_META_KEY` of @modelcontextprotocol/ext-apps,
# deprecated in favour of `_meta.ui.resourceUri`); tools declare both until those hosts are gone.
LEGACY_RESOURCE_URI_KEY = "ui/resourceUri"


def static_text(package: str, name: str) -> str:
    """`static/<name>` of `package` (shipped as package data)."""
    return resources.files(package).joinpath("static", name).read_text(encoding="utf-8")


def inline_bridge(document: str) -> str:
    """`document` with the bridge script in place of its `<!-- mcp-app-bridge -->` marker."""
    if BRIDGE_MARKER not in document:
        raise ValueError(f"the view has no {BRIDGE_MARKER} marker for the bridge script")
    bridge = static_text(__package__ or "flowtly_mcp.apps", "mcp_app_bridge.js")
    if "</script" in bridge.lower():
        raise ValueError("the bridge script must not contain a closing script tag")
    return document.replace(BRIDGE_MARKER, f"<script>\n{bridge}</script>", 1)


def view_document(package: str, name: str) -> str:
    """The view `static/<name>` of `package`, bridge inlined: what its `ui://` resource serves."""
    return inline_bridge(static_text(package, name))


def client_supports_mcp_apps(capabilities: ClientCapabilities | None) -> bool:
    """Whether the client declared the UI extension with the MCP App MIME type (what hosts that render views do)."""
    if capabilities is None or not capabilities.extensions:
        return False
    ui = capabilities.extensions.get(UI_EXTENSION)
    if not isinstance(ui, dict):
        return False
    mime_types = ui.get("mimeTypes")
    return isinstance(mime_types, list) and MCP_APP_MIME_TYPE in mime_types


def resource_meta(*, prefers_border: bool = True) -> dict[str, object]:
    """The view resource's `_meta.ui`: no network origins at all (the strictest CSP a host applies)."""
    return {"ui": {"csp": {"connectDomains": [], "resourceDomains": []}, "prefersBorder": prefers_border}}


def app_only_meta() -> dict[str, object]:
    """`_meta` for a tool only views may call; hosts following the spec never list it to the model."""
    return {"ui": {"visibility": ["app"]}}


def is_app_only(meta: dict[str, Any] | None) -> bool:
    """Whether a listed tool's `_meta` marks it for views only (see `app_only_meta`): no model ever reads it."""
    ui = (meta or {}).get("ui")
    return isinstance(ui, dict) and ui.get("visibility") == ["app"]


def view_tool_meta(resource_uri: str) -> dict[str, object]:
    """`_meta` for a model-visible tool whose results a host should show in the view at `resource_uri`."""
    return {"ui": {"resourceUri": resource_uri}, LEGACY_RESOURCE_URI_KEY: resource_uri}


def tools_for_client(tools: list[Tool], capabilities: ClientCapabilities | None) -> list[Tool]:
    """`tools` as a client with `capabilities` is shown them: the view links only to a client that renders views.

    The MCP Apps extension (SEP-1865, modelcontextprotocol/ext-apps, "Client<>Server Capability Negotiation") says
    a server should check that the client declared `io.modelcontextprotocol/ui` before registering UI-enabled tools.
    A client that did not gets no `_meta.ui` / `ui/resourceUri` links (tokens it cannot use) and no app-only tool
    (only a view can call one); the tools themselves, and everything else they publish, stay the same.
    """
    if client_supports_mcp_apps(capabilities):
        return tools
    return [_without_view_links(tool) for tool in tools if not is_app_only(tool.meta)]


def _without_view_links(tool: Tool) -> Tool:
    meta = tool.meta or {}
    if "ui" not in meta and LEGACY_RESOURCE_URI_KEY not in meta:
        return tool
    kept = {key: value for key, value in meta.items() if key not in ("ui", LEGACY_RESOURCE_URI_KEY)}
    return tool.model_copy(update={"meta": kept or None})


def serve_tools_per_client(server: MCPServer[Any]) -> None:
    """Answer `tools/list` with `tools_for_client`: the one place the list is tailored to who asks.

    Every build of the list (live or from the checked-in tool list) publishes the full entries; only the answer to
    a client is filtered, so both builds stay equal for every kind of client.
    """

    async def list_tools(ctx: ServerRequestContext[Any], _: PaginatedRequestParams) -> ListToolsResult:
        return ListToolsResult(tools=tools_for_client(await server.list_tools(), ctx.session.client_capabilities))

    server._lowlevel_server.add_request_handler("tools/list", PaginatedRequestParams, list_tools)


def register_view(
    server: MCPServer[Any],
    uri: str,
    document: Callable[[], str],
    *,
    name: str,
    title: str,
    description: str,
    prefers_border: bool = True,
) -> None:
    """Adds the view `document()` returns to `server` as the `ui://` resource `uri`."""
    if not uri.startswith("ui://"):
        raise ValueError(f"an MCP Apps view's uri must start with ui:// (got {uri!r})")

    def read_view() -> str:
        return document()

    server.resource(
        uri,
        name=name,
        title=title,
        description=description,
        mime_type=MCP_APP_MIME_TYPE,
        meta=resource_meta(prefers_border=prefers_border),
    )(read_view)
