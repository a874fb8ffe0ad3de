"""What a tool handler works with: the shared API client, the settings, and the call's MCP context."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flowtly_mcp.api import FlowtlyClient

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context

    from flowtly_mcp.config import ServerSettings
    from flowtly_mcp.tools.kernel.approval import ApprovalDesk
    from flowtly_mcp.tools.kernel.audit import AuditLog
    from flowtly_mcp.tools.kernel.guards import Guard
    from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Registry


@dataclass
class AppState:
    """Lives as long as the server: one API client, one guard, one approval desk, one audit log."""

    settings: ServerSettings
    api: FlowtlyClient
    guard: Guard
    audit: AuditLog
    # Made (and imported) when first needed: a server lists its tools without the registry or the approval store.
    approvals_of: Callable[[], ApprovalDesk]
    registry_of: Callable[[], Registry]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def approvals(self) -> ApprovalDesk:
        return self.approvals_of()

    @property
    def registry(self) -> Registry:
        return self.registry_of()


@dataclass
class Invocation:
    """One tool call."""

    state: AppState
    spec: AnyToolSpec
    ctx: Context[Any, Any] | None = None

    @property
    def api(self) -> FlowtlyClient:
        return self.state.api

    async def progress(self, done: float, total: float | None = None, message: str | None = None) -> None:
        if self.ctx is not None:
            await self.ctx.report_progress(done, total, message)

    async def progress_callback(self, done: int, total: int) -> None:
        await self.progress(done, total, f"{done}/{total} pages")


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
