"""The receivables view: aging buckets per currency as a chart, and the top debtors with their overdue part.

`receivables_aging` and `top_debtors` declare `view_tool_meta(RECEIVABLES_VIEW_URI)`; a host that renders MCP Apps
shows this view beside their result and hands it the result's structuredContent, the same complete answer a host
without apps (and the model) gets. The view computes nothing: it shows the tool's decimal text, grouped for reading.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from flowtly_mcp.apps.mcp_apps import register_view, view_document

RECEIVABLES_VIEW_URI = "ui://flowtly-mcp/receivables.html"


def receivables_view_html() -> str:
    return view_document("flowtly_mcp.apps", "receivables_view.html")


def register_receivables_view(server: MCPServer[Any]) -> None:
    """Adds the receivables view resource to `server`."""
    register_view(
        server,
        RECEIVABLES_VIEW_URI,
        receivables_view_html,
        name="receivables_view",
        title="Receivables chart",
        description="Aging buckets per currency as a chart and the top debtors with their overdue part (MCP Apps "
        "view for receivables_aging and top_debtors).",
    )
