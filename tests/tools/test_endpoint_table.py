"""The one endpoint table: every request names a documented endpoint, and no code outside api/ writes a path."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

import flowtly_mcp
from flowtly_mcp.api import endpoints
from flowtly_mcp.api.endpoints import Endpoint
from flowtly_mcp.tools.all import registry

PACKAGE = Path(flowtly_mcp.__file__).parent
# Code that may write request paths: the client itself, and the emulator on the other side of the wire.
PATH_OWNERS = frozenset({"api", "sandbox"})


def _documented() -> list[dict[str, str]]:
    text = resources.files("flowtly_mcp").joinpath("data/endpoints.json").read_text(encoding="utf-8")
    entries: list[dict[str, str]] = json.loads(text)["endpoints"]
    return entries


def _table() -> dict[str, Endpoint]:
    return {name: value for name, value in vars(endpoints).items() if isinstance(value, Endpoint)}


def test_every_table_entry_is_a_documented_operation() -> None:
    documented = {f"{e['method']} {e['path']}" for e in _documented()}
    table = _table()
    assert len(table) > 40
    assert {name: e.operation for name, e in table.items() if e.operation not in documented} == {}


def test_each_operation_has_one_name_in_the_table() -> None:
    counts = Counter(e.operation for e in _table().values())
    assert [operation for operation, count in counts.items() if count > 1] == []


def test_an_undocumented_endpoint_cannot_be_declared() -> None:
    with pytest.raises(KeyError, match="not a documented endpoint"):
        Endpoint("GET", "/invoices/{id}/secret")


def test_a_path_fills_and_quotes_every_placeholder() -> None:
    assert endpoints.APPLY_TRANSACTION_SUGGESTION.path(id="7", suggestionId="a/b") == (
        "/transactions/7/suggestions/a%2Fb/apply"
    )
    with pytest.raises(KeyError, match="suggestionId"):
        endpoints.APPLY_TRANSACTION_SUGGESTION.path(id="7")


def test_every_declared_tool_operation_is_documented() -> None:
    documented = {f"{e['method']} {e['path']}" for e in _documented()}
    undeclared = {spec.name: op for spec in registry() for op in spec.operations if op not in documented}
    assert undeclared == {}


def _path_literal() -> re.Pattern[str]:
    families = sorted({e["path"].split("/")[1] for e in _documented()}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, families))
    return re.compile(rf"(?:^|[^\w/-])(?:/api)?/(?:{alternatives})(?![\w-])")


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of docstring nodes: documentation may show a path, code may not."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_request_path_is_written_outside_the_client() -> None:
    pattern = _path_literal()
    offenders: list[str] = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source.relative_to(PACKAGE).parts[0] in PATH_OWNERS:
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
                continue
            if pattern.search(node.value):
                offenders.append(f"{source.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert offenders == [], "name an Endpoint from flowtly_mcp/api/endpoints.py instead of writing a path"


def test_the_path_check_sees_a_literal() -> None:
    # The check above must be able to fail: a plain request path matches, an unrelated slash does not.
    pattern = _path_literal()
    assert pattern.search("/invoices/{id}") and pattern.search("/api/clients/3")
    assert not pattern.search("FV/2025/03/0012") and not pattern.search("/mcp")
