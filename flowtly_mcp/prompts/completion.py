"""Argument completion for prompts and resource templates, with values read live from Flowtly.

MCP has one `completion/complete` method for both prompts and resource templates, so there is one table per
server: prompts and resources each add the suggesters for their arguments. Completion is a typing aid: when Flowtly
cannot answer, the user gets no suggestions rather than an error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.types import CompleteRequestParams, CompleteResult, Completion, PromptReference, ResourceTemplateReference

from flowtly_mcp.api import FlowtlyClient
from flowtly_mcp.api.errors import FlowtlyError

logger = logging.getLogger("flowtly_mcp.completion")

MAX_VALUES = 100  # the protocol's limit per answer

# (the API client, what the user typed so far, arguments already filled in) -> suggestions, best first
Suggester = Callable[[FlowtlyClient, str, Mapping[str, str]], Awaitable[Sequence[str]]]


@dataclass
class CompletionTable:
    """Who suggests values for which prompt argument or template variable."""

    prompts: dict[tuple[str, str], Suggester] = field(default_factory=dict)
    templates: dict[tuple[str, str], Suggester] = field(default_factory=dict)

    def for_prompt(self, prompt: str, argument: str, suggester: Suggester) -> None:
        self.prompts[(prompt, argument)] = suggester

    def for_template(self, uri_template: str, variable: str, suggester: Suggester) -> None:
        self.templates[(uri_template, variable)] = suggester

    def suggester(self, ref: PromptReference | ResourceTemplateReference, argument: str) -> Suggester | None:
        if isinstance(ref, PromptReference):
            return self.prompts.get((ref.name, argument))
        return self.templates.get((ref.uri, argument))

    async def complete(
        self,
        api: FlowtlyClient,
        ref: PromptReference | ResourceTemplateReference,
        argument: str,
        typed: str,
        filled: Mapping[str, str],
    ) -> Completion:
        suggester = self.suggester(ref, argument)
        if suggester is None:
            return Completion(values=[])
        try:
            values = list(dict.fromkeys(await suggester(api, typed, filled)))
        except FlowtlyError as exc:
            logger.info("no completions for %s: %s", argument, exc)
            return Completion(values=[])
        return Completion(values=values[:MAX_VALUES], total=len(values), has_more=len(values) > MAX_VALUES)


_TABLES: WeakKeyDictionary[MCPServer[Any], CompletionTable] = WeakKeyDictionary()


def completions(server: MCPServer[Any]) -> CompletionTable:
    """The server's completion table; the first call installs the `completion/complete` handler."""
    table = _TABLES.get(server)
    if table is not None:
        return table
    table = _TABLES[server] = CompletionTable()

    async def handle(ctx: ServerRequestContext[Any], params: CompleteRequestParams) -> CompleteResult:
        filled = params.context.arguments or {} if params.context is not None else {}
        api: FlowtlyClient = ctx.lifespan_context.api
        completion = await table.complete(api, params.ref, params.argument.name, params.argument.value, filled)
        return CompleteResult(completion=completion)

    # MCPServer.completion() calls its handler without the request context, and suggestions need the shared API
    # client from the lifespan state; the low-level server's public add_request_handler passes the context.
    server._lowlevel_server.add_request_handler("completion/complete", CompleteRequestParams, handle)
    return table
