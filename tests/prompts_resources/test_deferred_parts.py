"""Prompts, resources and completions registered on first use publish exactly what registering them at once does."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from flowtly_mcp.config import ServerSettings
from flowtly_mcp.server import build_server
from tests.api_variants import ApiVariant

from .conftest import BASE_URL, MODES, TOKEN

pytestmark = pytest.mark.anyio


def _servers(transport: httpx2.ASGITransport, api_variant: ApiVariant, **env: str) -> list[MCPServer[Any]]:
    settings = ServerSettings.from_env(
        {"FLOWTLY_BASE_URL": BASE_URL, "FLOWTLY_API_TOKEN": TOKEN, **api_variant.env(), **env}
    )
    return [build_server(settings, transport=transport, deferred=deferred) for deferred in (True, False)]


async def _published(server: MCPServer[Any], mode: str) -> str:
    async with Client(server, mode=mode) as client:
        parts = [
            client.server_capabilities,
            await client.list_prompts(),
            await client.list_resources(),
            await client.list_resource_templates(),
            await client.list_tools(),
        ]
    dumped = [part.model_dump(mode="json", by_alias=True, exclude_none=True) for part in parts if part is not None]
    return json.dumps(dumped, ensure_ascii=False)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("policy", ["auto", "agent"])
async def test_a_deferred_server_publishes_what_an_eager_one_does(
    transport: httpx2.ASGITransport, api_variant: ApiVariant, mode: str, policy: str
) -> None:
    deferred, eager = _servers(transport, api_variant, FLOWTLY_CONFIRM=policy)
    assert await _published(deferred, mode) == await _published(eager, mode)


async def test_nothing_is_registered_until_a_client_asks(
    transport: httpx2.ASGITransport, api_variant: ApiVariant
) -> None:
    deferred, _ = _servers(transport, api_variant)
    async with Client(deferred) as client:
        await client.list_tools()
        assert deferred._prompt_manager.__class__.__name__ == "_RegisteredOnFirstUse"
        assert {prompt.name for prompt in (await client.list_prompts()).prompts} >= {"explain_invoice"}
        assert deferred._prompt_manager.__class__.__name__ == "PromptManager"
        assert deferred._resource_manager.__class__.__name__ == "ResourceManager"
