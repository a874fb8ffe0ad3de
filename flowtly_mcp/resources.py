"""MCP resources: invoices and their documents, client statements (registered by `register_resources`)."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer


def register_resources(server: MCPServer[Any]) -> None:
    """Add the resources and resource templates to `server`."""
