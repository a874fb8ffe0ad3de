"""Listing tools before they are built: the SDK's tool manager holding stand-ins that become real tools on first use.

A stand-in carries exactly what `MCPServer.list_tools` reads (name, title, description, input and output schemas,
annotations, icons, `_meta`), taken from the checked-in list (tool_list_cache.py). Anything that looks a tool up by
name (a call, the SDK's input-schema check before middleware) gets the real tool, built then, once, in place, so the
list keeps its order. Relies on `MCPServer._tool_manager` and `ToolManager._tools` (mcp.server.mcpserver), which
tests/tools/test_sdk_binding.py guards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.tools.tool_manager import ToolManager
from mcp.types import Icon, ToolAnnotations

from flowtly_mcp.tools.kernel.tool_list_cache import Listing


def _unbuilt(**_: Any) -> Any:
    raise RuntimeError("a tool stand-in was called; DeferredTools.get_tool hands out the real tool")


def stand_in(listing: Listing) -> Tool:
    """A tool that lists as `listing` and is never run."""
    annotations = listing.get("annotations")
    icons = listing.get("icons")
    fields: dict[str, Any] = {
        "fn": _unbuilt,
        "name": listing["name"],
        "title": listing.get("title"),
        "description": listing.get("description"),
        "parameters": listing["inputSchema"],
        "is_async": True,
        "annotations": None if annotations is None else ToolAnnotations.model_validate(annotations),
        "icons": None if icons is None else [Icon.model_validate(icon) for icon in icons],
        "meta": listing.get("_meta"),
    }
    tool = Tool.model_construct(**fields)
    # `output_schema` is a cached property of the real tool (read from its function's metadata): set it as cached.
    tool.__dict__["output_schema"] = listing.get("outputSchema")
    return tool


class DeferredTools(ToolManager):
    """The tools of a server, listed from stand-ins and built by `build(name)` the first time one is looked up."""

    def __init__(self, listings: list[Listing], build: Callable[[str], Tool]) -> None:
        super().__init__(tools=[stand_in(listing) for listing in listings])
        self._unbuilt = {listing["name"] for listing in listings}
        self._build = build

    def get_tool(self, name: str) -> Tool | None:
        if name in self._unbuilt:
            self._tools[name] = self._build(name)  # the same key: the list keeps its order
            self._unbuilt.discard(name)
        return super().get_tool(name)


def install(server: MCPServer[Any], tools: DeferredTools) -> None:
    """Make `tools` the server's tool manager (before anything else registers a tool with it)."""
    assert not server._tool_manager.list_tools(), "install the deferred tools into a server with no tools yet"
    server._tool_manager = tools
