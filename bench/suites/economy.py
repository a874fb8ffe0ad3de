"""Response economy: what a page of 30 invoices costs a model through list_invoices vs the API's raw JSON-LD.

Both sides are the same 30 records of the same seeded sandbox: the raw side is `GET /invoices` exactly as the
server sends it (Hydra envelope, @context, @id, @type, embedded documents); the tool side is the text block the
tool result carries, which is what a model reads.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.types import TextContent

from bench import fixtures
from bench.model import Figure, SectionResult, Target
from bench.tokenizer import count

PAGE = 30
TARGET_PERCENT = 25.0


async def _raw_page(box: Any) -> tuple[bytes, list[Any]]:
    async with httpx2.AsyncClient(transport=fixtures.transport(box), base_url=fixtures.BASE_URL) as http:
        response = await http.get(
            "/invoices",
            params={"page": 1, "itemsPerPage": PAGE},
            headers={"Authorization": f"Bearer {fixtures.TOKEN}", "Accept": "application/ld+json"},
        )
        response.raise_for_status()
        members = response.json().get("hydra:member") or response.json().get("member") or []
        return response.content, [member.get("id") for member in members]


async def _measure() -> SectionResult:
    result = SectionResult("economy", "Response economy")
    box = fixtures.sandbox()
    raw, raw_ids = await _raw_page(box)
    async with Client(fixtures.server(box, toolsets="default")) as client:
        page = await client.call_tool("list_invoices", {"limit": PAGE})
    if page.is_error:
        raise RuntimeError(f"list_invoices failed: {page.content}")
    text = "".join(block.text for block in page.content if isinstance(block, TextContent))
    structured = page.structured_content or {}
    tool_ids = [item.get("id") for item in structured.get("items", [])]
    if len(tool_ids) != PAGE or tool_ids != raw_ids:
        raise RuntimeError(f"the tool and the raw page hold different invoices: {tool_ids[:5]} vs {raw_ids[:5]}")
    compact_bytes = len(text.encode())
    wire = page.model_dump(by_alias=True, exclude_none=True, mode="json")
    wire_bytes = len(json.dumps(wire, separators=(",", ":"), ensure_ascii=False).encode())
    result.add(
        Figure(
            "economy.compact_vs_raw",
            f"Compact page of {PAGE} invoices / raw JSON-LD page",
            round(100 * compact_bytes / len(raw), 1),
            "%",
            Target("<=", TARGET_PERCENT),
            baseline=f"raw GET /invoices page of {PAGE}: {len(raw):,} bytes",
            note=f"tool text block: {compact_bytes:,} bytes",
        )
    )
    result.add(
        Figure(
            "economy.result_vs_raw",
            "Whole tool result (text + structuredContent) / raw page",
            round(100 * wire_bytes / len(raw), 1),
            "%",
            baseline=f"{len(raw):,} bytes",
            note=f"{wire_bytes:,} bytes; the wire carries both copies of the page",
        )
    )
    compact_tokens, raw_tokens = count(text), count(raw.decode())
    result.add(
        Figure(
            "economy.compact_tokens",
            "Compact page, o200k tokens",
            compact_tokens,
            "tokens",
            note=f"characters / 4 would say {len(text) / 4:,.0f}",
        )
    )
    result.add(
        Figure(
            "economy.raw_tokens",
            "Raw page, o200k tokens",
            raw_tokens,
            "tokens",
            note=f"characters / 4 would say {len(raw.decode()) / 4:,.0f}",
        )
    )
    result.notes.append("Seeded sandbox (size 1); both sides list the same 30 invoices in the same order.")
    return result


def run() -> SectionResult:
    return anyio.run(_measure)
