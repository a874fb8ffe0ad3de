"""Completion of prompt arguments and resource-template variables, with values read live from the API."""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import PromptReference, ResourceTemplateReference

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.server import build_server

from .conftest import BASE_URL, MODES

pytestmark = pytest.mark.anyio


async def prompt_values(client: Client, prompt: str, argument: str, typed: str) -> list[str]:
    result = await client.complete(PromptReference(name=prompt), {"name": argument, "value": typed})
    return result.completion.values


async def template_values(client: Client, template: str, typed: str) -> list[str]:
    result = await client.complete(ResourceTemplateReference(uri=template), {"name": "id", "value": typed})
    return result.completion.values


@pytest.mark.parametrize("mode", MODES)
async def test_prompt_arguments_complete_from_flowtly(server: MCPServer[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        assert await prompt_values(client, "explain_invoice", "invoice", "FV/2025/03") == [
            "FV/2025/03/0002",  # newest first
            "FV/2025/03/0001",
        ]
        assert await prompt_values(client, "ksef_send_checklist", "invoice", "0004") == ["FV/2025/02/0004"]
        assert await prompt_values(client, "chase_overdue_receivables", "client", "acme") == [
            "Acme Sp. z o.o.",
            "Acme Trading GmbH",
        ]
        assert await prompt_values(client, "counterparty_cleanup", "name", "bolt") == ["Bolt Studio"]
        assert await prompt_values(client, "chase_overdue_receivables", "client", "") == [
            "Acme Sp. z o.o.",
            "Acme Trading GmbH",
            "Bolt Studio",
        ]


@pytest.mark.parametrize("mode", MODES)
async def test_fixed_choices_narrow_to_what_was_typed(server: MCPServer[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        assert await prompt_values(client, "chase_overdue_receivables", "tone", "fi") == ["firm", "final"]
        assert await prompt_values(client, "chase_overdue_receivables", "tone", "") == ["friendly", "firm", "final"]
        assert await prompt_values(client, "explain_invoice", "audience", "ACC") == ["accountant"]
        months = await prompt_values(client, "reconcile_month", "month", "")
    assert len(months) == 12
    assert all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) for month in months)
    assert months == sorted(months, reverse=True)


@pytest.mark.parametrize("mode", MODES)
async def test_template_ids_complete_by_name_or_by_the_start_of_the_id(server: MCPServer[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        assert await template_values(client, "flowtly://clients/{id}", "Acme") == ["1", "2"]
        assert await template_values(client, "flowtly://clients/{id}/statement{?date_from,date_to}", "3") == ["3"]
        assert sorted(await template_values(client, "flowtly://invoices/{id}/pdf", "1")) == [
            "10",
            "11",
            "12",
            "13",
            "14",
        ]
        assert await template_values(client, "flowtly://invoices/{id}", "FV/2025/01") == ["12"]
        assert await template_values(client, "flowtly://counterparties/{id}", "acme") == ["1", "2"]


@pytest.mark.parametrize("mode", MODES)
async def test_arguments_without_a_suggester_complete_to_nothing(server: MCPServer[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        assert await prompt_values(client, "explain_invoice", "no_such_argument", "x") == []
        assert await template_values(client, "flowtly://transactions/{id}", "txn") == []


@pytest.mark.parametrize("mode", MODES)
async def test_an_api_failure_gives_no_suggestions_rather_than_an_error(sandbox: Sandbox, mode: str) -> None:
    settings = ServerSettings.from_env({"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": "a-token-flowtly-rejects"})
    server = build_server(settings, transport=httpx2.ASGITransport(app=sandbox.app))
    async with Client(server, mode=mode) as client:
        assert await prompt_values(client, "explain_invoice", "invoice", "FV") == []
    assert sandbox.request_log, "the suggestion was asked of Flowtly"
    assert {status for *_, status in sandbox.request_log} == {401}
