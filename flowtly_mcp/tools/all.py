"""Every tool of the server, in one registry."""

from __future__ import annotations

from functools import cache

from flowtly_mcp.tools.crud import crud_specs
from flowtly_mcp.tools.registry import Registry
from flowtly_mcp.tools.special import special_specs
from flowtly_mcp.tools.workflows import workflow_specs


@cache
def registry() -> Registry:
    return Registry([*crud_specs(), *special_specs(), *workflow_specs()])
