"""MCP Apps views (`ui://` resources a host renders beside a tool's result) and the machinery they share.

- `mcp_apps`: the MIME type, the `_meta` keys, the bridge inlining and `register_view`; the approval view
  (`flowtly_mcp.approvals.app_view`) and the receivables view both use it.
- `receivables_view`: aging buckets per currency as a chart, and the top debtors with their overdue part.
"""

from flowtly_mcp.apps.mcp_apps import (
    LEGACY_RESOURCE_URI_KEY,
    MCP_APP_MIME_TYPE,
    UI_EXTENSION,
    app_only_meta,
    client_supports_mcp_apps,
    register_view,
    resource_meta,
    view_document,
    view_tool_meta,
)

__all__ = [
    "LEGACY_RESOURCE_URI_KEY",
    "MCP_APP_MIME_TYPE",
    "UI_EXTENSION",
    "app_only_meta",
    "client_supports_mcp_apps",
    "register_view",
    "resource_meta",
    "view_document",
    "view_tool_meta",
]
