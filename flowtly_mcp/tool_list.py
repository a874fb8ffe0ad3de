"""Generates the checked-in tool list (`flowtly_mcp/data/tool_list.json`) from the live build of every tool.

Run with the tool snapshot: `UPDATE_TOOL_SNAPSHOTS=1 .venv/bin/python -m pytest tests -k snapshot`. What the file is
for, and when a server uses it: flowtly_mcp/tools/kernel/tool_list_cache.py.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer

from flowtly_mcp.config import ConfirmPolicy, ServerSettings
from flowtly_mcp.server import built_tools
from flowtly_mcp.tools.all import registry
from flowtly_mcp.tools.kernel.tool_list_cache import CACHE_FILE, Listing, fingerprint, load, mode, render


async def generate() -> dict[str, Any]:
    """The cache's content, from live builds: every registered tool under every policy, read-only or not."""
    listings: list[str] = []

    def index_of(listing: Listing) -> int:
        text = json.dumps(listing, ensure_ascii=False, separators=(",", ":"))
        if text not in listings:
            listings.append(text)
        return listings.index(text)

    registered = list(registry())
    names = [spec.name for spec in registered]
    by_policy: dict[str, dict[str, int]] = {name: {} for name in names}
    extras: dict[str, dict[str, list[int]]] = {}
    for policy in ConfirmPolicy:
        extras[policy.value] = {}
        for read_only in (False, True):
            env = {"FLOWTLY_TOOLSETS": "all", "FLOWTLY_CONFIRM": policy.value, "FLOWTLY_READ_ONLY": str(read_only)}
            # Exactly the tools a deferred server stands in for (build_server registers the app views' own).
            server = MCPServer("generate", tools=built_tools(ServerSettings.from_env(env)))
            published = [_listing(tool) for tool in await server.list_tools()]
            listed = [listing for listing in published if listing["name"] in by_policy]
            for listing in listed:
                index = index_of(listing)
                # A tool publishes the same whether or not the server is read-only; only the selection differs.
                assert by_policy[listing["name"]].setdefault(policy.value, index) == index, listing["name"]
            assert [listing["name"] for listing in listed] == [
                spec.name for spec in registered if not read_only or spec.risk.value == "read"
            ], "the live list is not the registry's order"
            tail = published[len(listed) :]
            assert all(listing["name"] not in by_policy for listing in tail), "a registered tool after the catalog"
            extras[policy.value][mode(read_only=read_only)] = [index_of(listing) for listing in tail]
    return {
        "fingerprint": fingerprint(),
        "specs": [
            {
                "name": spec.name,
                "toolset": spec.toolset,
                "core": spec.core,
                "read": spec.risk.value == "read",
                "listings": by_policy[spec.name],
            }
            for spec in registered
        ],
        "extras": extras,
        "listings": [json.loads(text) for text in listings],
    }


def _listing(tool: Any) -> Listing:
    listing: Listing = tool.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return listing


async def write() -> None:
    CACHE_FILE.write_text(render(await generate()), encoding="utf-8")
    load.cache_clear()
