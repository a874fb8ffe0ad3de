"""MCP Apps plumbing any flowtly-mcp view shares (io.modelcontextprotocol/ui, SEP-1865).

A view is one self-contained HTML document (no external scripts, fonts or CDNs) served as a `ui://` resource with
the MCP App MIME type. `inline_bridge` puts the shared postMessage bridge (static/mcp_app_bridge.js) into it, so
the approval view and, later, a receivables chart speak the protocol through the same code.
"""

from __future__ import annotations

from importlib import resources

from mcp.types import ClientCapabilities

UI_EXTENSION = "io.modelcontextprotocol/ui"
MCP_APP_MIME_TYPE = "text/html;profile=mcp-app"
BRIDGE_MARKER = "<!-- mcp-app-bridge -->"


def static_text(name: str) -> str:
    return resources.files("flowtly_mcp.approvals").joinpath("static", name).read_text(encoding="utf-8")


def inline_bridge(document: str) -> str:
    """`document` with the bridge script in place of its `<!-- mcp-app-bridge -->` marker."""
    if BRIDGE_MARKER not in document:
        raise ValueError(f"the view has no {BRIDGE_MARKER} marker for the bridge script")
    bridge = static_text("mcp_app_bridge.js")
    if "</script" in bridge.lower():
        raise ValueError("the bridge script must not contain a closing script tag")
    return document.replace(BRIDGE_MARKER, f"<script>\n{bridge}</script>", 1)


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


def view_tool_meta(resource_uri: str) -> dict[str, object]:
    """`_meta` for a model-visible tool whose results a host should show in the view at `resource_uri`."""
    return {"ui": {"resourceUri": resource_uri}}
