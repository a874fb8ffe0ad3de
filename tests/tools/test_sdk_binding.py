"""The SDK internals the binding relies on (flowtly_mcp/tools/kernel/binding.py): fail loudly when one changes.

Also: a call's arguments are validated once, whether the tool is called directly or through execute_tool.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver import resolve as sdk_resolve
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from pydantic import BaseModel, Field, model_validator

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.config import ConfirmPolicy, ServerSettings
from flowtly_mcp.models.common import InputModel
from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.tools.kernel.approval import open_desk
from flowtly_mcp.tools.kernel.audit import AuditLog
from flowtly_mcp.tools.kernel.binding import build_tool
from flowtly_mcp.tools.kernel.catalog import catalog_tools
from flowtly_mcp.tools.kernel.guards import Guard, Preview
from flowtly_mcp.tools.kernel.registry import Registry, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import AppState, Invocation

pytestmark = pytest.mark.anyio
MODES = ["auto", "legacy"]


def test_the_sdk_still_offers_what_the_binding_adapts() -> None:
    # Reassigned after Tool.from_function: FuncMetadata must read these fields live.
    assert {"arg_model", "output_schema"} <= set(FuncMetadata.model_fields)
    assert {"parameters", "fn_metadata"} <= set(Tool.model_fields)
    assert callable(getattr(Tool, "from_function", None))
    # The lenient argument model subclasses ArgModelBase; the SDK calls the body with model_dump_one_level().
    assert callable(getattr(ArgModelBase, "model_dump_one_level", None))
    # Resolvers are memoized per call (the guard and the body share one validation).
    assert "cache" in inspect.getsource(sdk_resolve._resolve) and callable(sdk_resolve._resolver_key)


VALIDATED: list[int] = []


class Counted(InputModel):
    value: int = Field(ge=0)

    @model_validator(mode="after")
    def _count(self) -> Counted:
        VALIDATED.append(self.value)
        return self


class Echo(BaseModel):
    value: int


async def _echo(inv: Invocation, args: Counted) -> Echo:
    return Echo(value=args.value)


async def _preview(inv: Invocation, args: Counted) -> Preview:
    return Preview(action="Echo", target=str(args.value), details={}, fingerprint="same")


SPEC = ToolSpec(
    name="echo_value",
    title="Echo",
    description="Echo a value, after confirmation.",
    toolset="invoices",
    risk=Risk.DESTRUCTIVE,
    operations=(),
    input_model=Counted,
    output_model=Echo,
    handler=_echo,
    preview=_preview,
)


def _server(sandbox: Sandbox) -> MCPServer[AppState]:
    settings = ServerSettings.from_env(
        {
            "FLOWTLY_BASE_URL": "http://sandbox.test",
            "FLOWTLY_API_TOKEN": sandbox.config.token,
            "FLOWTLY_CONFIRM": "agent",
        }
    )
    registry = Registry([SPEC])

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        async with FlowtlyClient(settings.api, transport=httpx2.ASGITransport(app=sandbox.app)) as api:
            guard = Guard(ConfirmPolicy.AGENT)
            yield AppState(
                settings=settings,
                api=api,
                registry_of=lambda: registry,
                guard=guard,
                audit=AuditLog(None),
                approvals_of=lambda: desk,
            )

    desk = open_desk(settings)
    tools = [build_tool(SPEC, ConfirmPolicy.AGENT), *catalog_tools(registry, frozenset({SPEC.name}), read_only=False)]
    return MCPServer("binding-test", lifespan=lifespan, tools=tools)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("via", ["direct", "execute_tool"])
async def test_a_guarded_call_is_validated_once_per_call(mode: str, via: str, sandbox: Sandbox) -> None:
    async def call(client: Client, arguments: dict[str, Any]) -> dict[str, Any]:
        if via == "direct":
            result = await client.call_tool("echo_value", arguments)
        else:
            result = await client.call_tool("execute_tool", {"name": "echo_value", "arguments": arguments})
        assert not result.is_error, result.content
        return result.structured_content or {}

    async with Client(_server(sandbox), mode=mode) as client:
        VALIDATED.clear()
        preview = await call(client, {"value": 7})
        assert preview["status"] == "confirmation_required" and VALIDATED == [7]
        done = await call(client, {"value": 7, "confirmation_token": preview["confirmation_token"]})
        assert done["status"] == "done" and done["result"] == {"value": 7}
        assert VALIDATED == [7, 7]


@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_get_our_words_not_the_sdks(mode: str, sandbox: Sandbox) -> None:
    async with Client(_server(sandbox), mode=mode) as client:
        wrong = await client.call_tool("echo_value", {"value": -1})
        assert wrong.is_error
        assert "value: input should be greater than or equal to 0" in wrong.content[0].text  # type: ignore[union-attr]
        assert "Fix these fields" in wrong.content[0].text  # type: ignore[union-attr]
        unknown = await client.call_tool("echo_value", {"value": 1, "colour": "red"})
        assert unknown.is_error
        # An unknown name is named in our words too, not refused by the SDK's argument model.
        assert "colour is not an argument of this tool" in unknown.content[0].text  # type: ignore[union-attr]
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        # The published schema is our slimmed one, not the SDK's lenient argument model.
        assert set(listed["echo_value"].input_schema["properties"]) == {"value", "confirmation_token"}
