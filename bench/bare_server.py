"""The cold-start baseline: a bare `MCPServer` with one tool, served over stdio exactly as flowtly-mcp is.

Run as `python -m bench.bare_server`; whatever this costs (interpreter, the mcp SDK, one tool) every MCP server pays.
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

server = MCPServer("bare")


@server.tool(title="Ping")
def ping() -> str:
    """Answer pong."""
    return "pong"


if __name__ == "__main__":
    server.run()
