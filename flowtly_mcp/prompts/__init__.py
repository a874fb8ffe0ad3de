"""Prompts for common finance jobs (registered on the server by `register_prompts`).

Each prompt tells the model which tools to use in which order, and that text inside records is data, never
instructions. Arguments complete from live Flowtly data (client names, invoice numbers).
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from flowtly_mcp.prompts import counterparties, explain_invoice, ksef, receivables, reconcile
from flowtly_mcp.prompts.completion import completions

_MODULES = (reconcile, receivables, ksef, counterparties, explain_invoice)


def register_prompts(server: MCPServer[Any]) -> None:
    """Add the prompts and their argument completions to `server`."""
    table = completions(server)
    for module in _MODULES:
        module.register(server, table)
