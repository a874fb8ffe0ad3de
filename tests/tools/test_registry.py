"""Invariants over the whole registry: names, toolsets, annotations, schemas, coverage of the inventory."""

from __future__ import annotations

import inspect
import json
import os
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.api.endpoints import operations
from flowtly_mcp.tools.all import registry
from flowtly_mcp.tools.docs import README_END, README_START, render_tool_table
from flowtly_mcp.tools.kernel.binding import needs_guard
from flowtly_mcp.tools.kernel.effects import Effect, UnclassifiedTool, effect_of
from flowtly_mcp.tools.kernel.registry import (
    DESCRIPTION_MAX_CHARS,
    OPERATIONS_META_KEY,
    Risk,
    effective_hints,
    published_annotations,
)
from flowtly_mcp.toolsets import TOOLSET_NAMES

from .conftest import ServerFactory

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "snapshots" / "tools.json"


def test_names_are_unique_snake_case_and_in_a_toolset() -> None:
    names = registry().names()
    assert len(names) == len(set(names))
    for spec in registry():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", spec.name), spec.name
        assert spec.toolset in TOOLSET_NAMES, spec.name
        assert spec.title and spec.description, spec.name
        assert len(spec.description) <= DESCRIPTION_MAX_CHARS, spec.name


def test_every_documented_operation_is_reachable_through_a_tool() -> None:
    claimed = {op for spec in registry() for op in spec.operations}
    assert claimed - operations() == set(), "tools claim undocumented operations"
    assert operations() - claimed == set(), "documented operations without a tool"


def test_guarded_tools_have_previews_and_destructive_annotations() -> None:
    for spec in registry():
        if spec.risk.guarded:
            assert spec.preview is not None, spec.name
        hints = effective_hints(spec.annotations)
        assert hints["destructiveHint"] is spec.risk.destructive
        assert hints["readOnlyHint"] is (spec.risk is Risk.READ)


def test_every_tool_has_an_effect_class_with_its_guard_and_annotations() -> None:
    """One effect, one guard: a tool that can erase, delete, move money, upload or send has a guard, and its
    annotations say what its effect class says. A new tool nobody classified fails here."""
    problems = []
    classes: dict[str, str] = {}
    for spec in registry():
        try:
            effect = effect_of(spec)
        except UnclassifiedTool as unclassified:
            problems.append(str(unclassified))
            continue
        classes[spec.name] = effect.value
        hints = effective_hints(spec.annotations)
        if effect.needs_guard and not needs_guard(spec):
            problems.append(f"{spec.name}: effect {effect.value} without a guard")
        if hints["destructiveHint"] is not effect.destructive:
            problems.append(f"{spec.name}: destructiveHint {hints['destructiveHint']} for effect {effect.value}")
        if hints["readOnlyHint"] is not (effect is Effect.READ):
            problems.append(f"{spec.name}: readOnlyHint {hints['readOnlyHint']} for effect {effect.value}")
    assert not problems, problems
    assert classes["create_invoice_transaction"] == classes["reconcile_payment"] == "money-movement"
    assert classes["detach_attachment"] == classes["delete_invoice_transaction"] == "delete"
    assert {classes[name] for name in classes if name.startswith("update_")} == {"overwrite"}


async def _listed(server: Any) -> list[dict[str, Any]]:
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_listed_tools_set_all_annotations_schemas_and_operations(make_server: ServerFactory) -> None:
    for tool in await _listed(make_server()):
        hints = tool["annotations"]
        # Only what differs from MCP's defaults, except the hints hosts key their prompts on, always explicit.
        assert isinstance(hints.get("readOnlyHint"), bool), tool["name"]
        if hints["readOnlyHint"]:
            assert set(hints) <= {"readOnlyHint", "openWorldHint"}, tool["name"]
        else:
            assert isinstance(hints.get("destructiveHint"), bool), tool["name"]
        assert hints.get("idempotentHint", True) is True, tool["name"]
        assert hints.get("openWorldHint", False) is False, tool["name"]
        assert tool.get("title"), tool["name"]
        assert "outputSchema" in tool, tool["name"]
        schema = tool["inputSchema"]
        assert schema.get("type") == "object" and not {"anyOf", "oneOf", "allOf"} & schema.keys(), tool["name"]
        if tool["name"] not in ("search_tools", "execute_tool"):
            assert tool["_meta"][OPERATIONS_META_KEY], tool["name"]


async def test_tool_schemas_match_the_reviewed_snapshot(make_server: ServerFactory) -> None:
    # The default policy's surface (auto): what clients are published unless an operator chooses otherwise.
    current = {t["name"]: t for t in await _listed(make_server(FLOWTLY_CONFIRM="auto"))}
    if os.environ.get("UPDATE_TOOL_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    assert SNAPSHOT.exists(), "no snapshot: run the tests once with UPDATE_TOOL_SNAPSHOTS=1 and review the diff"
    reviewed = json.loads(SNAPSHOT.read_text())
    assert sorted(current) == sorted(reviewed), "tools added or removed: refresh with UPDATE_TOOL_SNAPSHOTS=1"
    changed = [name for name in current if current[name] != reviewed[name]]
    assert not changed, f"schemas drifted for {changed}: review, then refresh with UPDATE_TOOL_SNAPSHOTS=1"


def test_readme_tool_table_is_generated_from_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(README_START) + len(README_START), readme.index(README_END)
    assert readme[start:end].strip() == render_tool_table().strip(), (
        "README tool table is stale: run python -m flowtly_mcp.tools.docs --write README.md"
    )


async def test_default_surface_is_small_and_all_toolsets_add_tools(make_server: ServerFactory) -> None:
    default = {t["name"] for t in await _listed(make_server(FLOWTLY_TOOLSETS="default"))}
    everything = {t["name"] for t in await _listed(make_server(FLOWTLY_TOOLSETS="all"))}
    assert {"search_tools", "execute_tool", "top_debtors", "get_invoice"} <= default
    assert default < everything
    assert len(default) <= 25
    assert everything == set(registry().names()) | {"search_tools", "execute_tool"}


async def test_read_only_lists_only_read_tools(make_server: ServerFactory) -> None:
    listed = await _listed(make_server(FLOWTLY_READ_ONLY="true"))
    names = {t["name"] for t in listed}
    assert "get_invoice" in names and "delete_invoice" not in names and "create_invoice" not in names
    for tool in listed:
        if tool["name"] != "search_tools":
            assert tool["annotations"]["readOnlyHint"] is True, tool["name"]


def test_every_handler_takes_its_own_input_model() -> None:
    # ToolSpec is generic in its models; this also covers the generated CRUD models, which mypy cannot see.
    for spec in registry():
        for function in (spec.handler, spec.preview):
            if function is None:
                continue
            second = list(inspect.signature(function).parameters)[1]  # (invocation, arguments)
            expected = typing.get_type_hints(function).get(second)
            assert isinstance(expected, type), f"{spec.name}: {function.__name__} takes args: {expected}"
            assert issubclass(spec.input_model, expected), f"{spec.name}: {function.__name__} takes {expected}"
        assert issubclass(typing.get_type_hints(spec.handler)["return"], spec.output_model), spec.name


@pytest.mark.parametrize("read_only", [True, False])
@pytest.mark.parametrize("destructive", [True, False])
@pytest.mark.parametrize("idempotent", [True, False])
@pytest.mark.parametrize("open_world", [True, False])
def test_published_annotations_leave_out_only_what_the_defaults_say(
    read_only: bool, destructive: bool, idempotent: bool, open_world: bool
) -> None:
    published = published_annotations(
        read_only=read_only, destructive=destructive, idempotent=idempotent, open_world=open_world
    )
    meant = {
        "readOnlyHint": read_only,
        "destructiveHint": destructive and not read_only,
        "idempotentHint": idempotent or read_only,
        "openWorldHint": open_world,
    }
    assert effective_hints(published) == meant
    listed = published.model_dump(by_alias=True, exclude_none=True)
    assert "readOnlyHint" in listed and ("destructiveHint" in listed) is not read_only
