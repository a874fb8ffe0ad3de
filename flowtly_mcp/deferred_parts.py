"""Prompts, resources and argument completions, registered when a client first asks for any of them.

Registering them imports the prompt and resource modules and builds a validator per prompt and resource template:
work that answering `initialize` and `tools/list` does not need. Until then the server's prompt and resource
managers are stand-ins that register everything on their first use (prompts/list, prompts/get, resources/list,
resources/templates/list, resources/read, anything else touching them), and `completion/complete` (which must be
served from the start, so that the capability is announced) registers first and then answers with the handler the
registration installed. Relies on `MCPServer._prompt_manager`, `MCPServer._resource_manager` and the low-level
server's public `add_request_handler`/`get_request_handler`; tests/prompts_resources/test_deferred_parts.py holds
that a deferred server publishes exactly what an eager one does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.types import CompleteRequestParams, CompleteResult, Completion

COMPLETE = "completion/complete"


class _RegisteredOnFirstUse:
    """Stands for one of the server's managers; its first use registers everything, then hands over the real one."""

    def __init__(self, real: object, register: Callable[[], None]) -> None:
        self._real = real
        self._register = register

    def __getattr__(self, name: str) -> Any:
        self._register()
        return getattr(self._real, name)


def defer_registration(server: MCPServer[Any], register: Callable[[MCPServer[Any]], None]) -> None:
    """Run `register(server)` (adding prompts, resources and completions) when a client first needs any of them."""
    prompts, resources = server._prompt_manager, server._resource_manager
    done = False

    def register_now() -> None:
        nonlocal done
        if done:
            return
        done = True
        server._prompt_manager, server._resource_manager = prompts, resources
        register(server)

    server._prompt_manager = _RegisteredOnFirstUse(prompts, register_now)  # type: ignore[assignment]
    server._resource_manager = _RegisteredOnFirstUse(resources, register_now)  # type: ignore[assignment]
    lowlevel = server._lowlevel_server

    async def complete(ctx: Any, params: CompleteRequestParams) -> Any:
        register_now()
        entry = lowlevel.get_request_handler(COMPLETE)
        if entry is None or entry.handler is complete:  # nothing registered a completion: nothing completes
            return CompleteResult(completion=Completion(values=[]))
        return await entry.handler(ctx, params)

    lowlevel.add_request_handler(COMPLETE, CompleteRequestParams, complete)
