"""Prompts for common finance jobs (registered on the server by `register_prompts`)."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer


def register_prompts(server: MCPServer[Any]) -> None:
    """Add the prompts and their argument completions to `server`."""
