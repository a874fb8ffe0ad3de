"""The receivables view: its resource and tool metadata over real MCP clients, and the view in headless Chromium
rendering the sandbox's real figures as the tool returned them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.apps.mcp_apps import LEGACY_RESOURCE_URI_KEY, MCP_APP_MIME_TYPE, UI_EXTENSION
from flowtly_mcp.apps.receivables_view import RECEIVABLES_VIEW_URI

from .app_host import AppHost
from .browser import chromium_page, collect_console, screenshot
from .conftest import TODAY

MODES = ("auto", "legacy")
# What a host that renders MCP Apps declares in its initialize (only such a client is listed the view links).
APPS_HOST = [advertise(UI_EXTENSION, {"mimeTypes": [MCP_APP_MIME_TYPE]})]
VIEW_TOOLS = ("receivables_aging", "top_debtors")


def shown_amount(text: str) -> str:
    """The decimal a displayed amount stands for: "PLN 12,345.60" → "12345.60" (grouping and currency dropped)."""
    return re.sub(r"[^0-9.\-−]", "", text).replace("−", "-")


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_the_view_is_a_self_contained_resource_both_tools_point_at(mode: str, server: MCPServer[Any]) -> None:
    async with Client(server, mode=mode, extensions=APPS_HOST) as client:
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        contents = (await client.read_resource(RECEIVABLES_VIEW_URI)).contents[0]
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert listed[RECEIVABLES_VIEW_URI].mime_type == MCP_APP_MIME_TYPE
    assert contents.mime_type == MCP_APP_MIME_TYPE
    assert (contents.meta or {})["ui"]["csp"] == {"connectDomains": [], "resourceDomains": []}
    html = getattr(contents, "text", "")
    assert "McpAppBridge" in html and "ui/notifications/tool-result" in html and "<svg" in html
    assert "<!-- mcp-app-bridge -->" not in html
    # No external scripts, styles, fonts or CDNs: nothing that names another origin or loads a file.
    assert not re.search(r"https?://|<link|@import|@font-face|\bsrc=", html)
    for name in VIEW_TOOLS:
        meta = tools[name].meta or {}
        assert meta["ui"]["resourceUri"] == RECEIVABLES_VIEW_URI
        assert meta[LEGACY_RESOURCE_URI_KEY] == RECEIVABLES_VIEW_URI
    assert "ui" not in (tools["overdue_invoices"].meta or {})


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_hosts_without_apps_still_get_the_whole_answer(mode: str, server: MCPServer[Any]) -> None:
    async with Client(server, mode=mode) as client:
        aging = await client.call_tool("receivables_aging", {"as_of": TODAY.isoformat(), "group_by": "currency"})
        debtors = await client.call_tool("top_debtors", {"n": 3, "as_of": TODAY.isoformat()})
    for result in (aging, debtors):
        assert not result.is_error and result.structured_content is not None
        assert "".join(getattr(part, "text", "") for part in result.content)  # the text side is there too
    totals = (aging.structured_content or {})["totals"]
    assert totals
    for total in totals:
        assert sum(Decimal(v) for v in total["buckets"].values()) == Decimal(total["total"])
    groups = (debtors.structured_content or {})["currencies"]
    assert groups and all(len(group["debtors"]) <= 3 for group in groups)
    first = groups[0]["debtors"][0]
    assert {"name", "open", "overdue", "invoices", "oldest_days"} <= set(first)


def open_view(host: AppHost, page: Any) -> tuple[Any, list[str]]:
    console = collect_console(page)
    page.goto(host.url)
    view = page.frame_locator("#view")
    view.locator("#content section").first.wait_for()
    frame = next(f for f in page.frames if f != page.main_frame)
    # The listener hears the view's frame: a probe from inside it must arrive.
    frame.evaluate("console.info('view-console-probe')")
    # The host has resized its frame to the rendered view (the last size-changed came after the render).
    height = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    page.wait_for_function(f"window.lastSize !== undefined && window.lastSize.height === {height}")
    assert any("view-console-probe" in line for line in console), console
    return view, console


def errors_in(console: list[str]) -> list[str]:
    return [line for line in console if line.startswith(("error:", "pageerror:"))]


def test_the_aging_chart_shows_the_tools_bucket_totals(server: MCPServer[Any], tmp_path: Path) -> None:
    arguments = {"as_of": TODAY.isoformat(), "pln_equivalent": True}
    with AppHost(server, "receivables_aging", arguments) as host, chromium_page(tmp_path) as page:
        view, console = open_view(host, page)
        screenshot(page, "receivables-aging-view")
        assert host.result is not None
        answer = host.result["structuredContent"]
        assert view.locator("#title").inner_text() == f"Receivables aging on {TODAY.isoformat()}"
        assert answer["totals"], "the sandbox has open receivables"
        for total in answer["totals"]:
            table = view.locator(f"table.aging[data-currency='{total['currency']}']")
            for bucket, amount in [*total["buckets"].items(), ("total", total["total"])]:
                cell = table.locator(f"tr[data-bucket='{bucket}'] td.amount")
                assert cell.get_attribute("data-amount") == amount
                text = cell.inner_text()
                assert shown_amount(text) == amount and total["currency"] in text, (bucket, text)
            # One bar per bucket in the currency's chart, each labelled in words under it.
            section = view.locator(f"section[data-currency='{total['currency']}']")
            assert section.locator("svg.chart rect.bar").count() == len(total["buckets"])
            assert section.locator("svg.chart text", has_text="Over 90 days").count() == 1
        clients = view.locator("table.lines tbody tr")
        assert clients.count() == len(answer["lines"])
    assert errors_in(console) == []


def test_the_top_debtors_view_shows_each_debtor_with_the_overdue_part(server: MCPServer[Any], tmp_path: Path) -> None:
    with AppHost(server, "top_debtors", {"n": 5, "as_of": TODAY.isoformat()}) as host, chromium_page(tmp_path) as page:
        view, console = open_view(host, page)
        screenshot(page, "receivables-top-debtors-view")
        assert host.result is not None
        groups = host.result["structuredContent"]["currencies"]
        assert groups and groups[0]["debtors"], "the sandbox has debtors"
        for group in groups:
            rows = view.locator(f"table.debtors[data-currency='{group['currency']}'] tbody tr")
            assert rows.count() == len(group["debtors"])
            first = group["debtors"][0]
            row = rows.first
            assert row.locator("th.name").inner_text() == (first["name"] or first["client"])
            open_cell, overdue_cell = row.locator("td.amount[data-amount]").all()
            assert open_cell.get_attribute("data-amount") == first["open"]
            assert shown_amount(open_cell.inner_text()) == first["open"]
            assert overdue_cell.get_attribute("data-amount") == first["overdue"]
            assert shown_amount(overdue_cell.inner_text()) == first["overdue"]
            # The overdue part is told in words, not by colour alone.
            chart_text = view.locator(f"section[data-currency='{group['currency']}'] svg.chart").text_content() or ""
            assert "overdue" in chart_text
        assert view.locator(".legend", has_text="Overdue (hatched)").count() == len(groups)
    assert errors_in(console) == []


def test_amounts_beyond_float_precision_are_shown_digit_for_digit(server: MCPServer[Any], tmp_path: Path) -> None:
    """A host may send the view a later result; this one carries amounts a float would round."""
    buckets = {"current": "12345678901234567.89", "1-30": "0.01", "31-60": "0", "61-90": "7.5", "90+": "100.000"}
    later = {
        "content": [],
        "structuredContent": {
            "as_of": "2026-11-16",
            "lines": [],
            "totals": [
                {
                    "group": "PLN",
                    "currency": "PLN",
                    "buckets": buckets,
                    "total": "12345678901234675.401",
                    "invoices": 3,
                    "credits": "-0.10",
                }
            ],
            "warnings": ["2 invoices could not be read"],
        },
    }
    with AppHost(server, "receivables_aging", {"as_of": TODAY.isoformat()}) as host, chromium_page(tmp_path) as page:
        view, console = open_view(host, page)
        page.evaluate(
            """(params) => document.getElementById("view").contentWindow.postMessage(
                {jsonrpc: "2.0", method: "ui/notifications/tool-result", params}, "*")""",
            later,
        )
        view.locator("section.warnings", has_text="2 invoices could not be read").wait_for()
        table = view.locator("table.aging[data-currency='PLN']")
        for bucket, amount in [*buckets.items(), ("total", "12345678901234675.401"), ("credits", "-0.10")]:
            text = table.locator(f"tr[data-bucket='{bucket}'] td.amount").inner_text()
            assert shown_amount(text) == amount, (bucket, text)
        assert "12,345,678,901,234,567.89" in table.inner_text()
        assert view.locator("table.aging").count() == 1  # the earlier result's figures are gone
    assert errors_in(console) == []
