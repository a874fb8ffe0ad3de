"""flowtly-mcp: an MCP server for the Flowtly finance API, with an embedded sandbox."""

__version__ = "0.1.0"
