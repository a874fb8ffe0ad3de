"""server.json for the MCP registry, checked against the registry's published schema (vendored in
packaging/registry, its origin in SOURCE.md), and the versions every packaging file states, kept in step."""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from typing import Any

import jsonschema
import pytest

from flowtly_mcp import __version__

from .environment import ROOT

SCHEMA_PATH = ROOT / "packaging" / "registry" / "server.schema.json"
SCHEMA_SHA256 = "3fba09590c99f61735d234822279f4223fab9e300c0a81e81c91ab62a4114de0"


def _load(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / path).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _errors(validator: jsonschema.Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]


def test_the_vendored_schema_is_the_published_one_unchanged() -> None:
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert SCHEMA_SHA256 in (SCHEMA_PATH.parent / "SOURCE.md").read_text(encoding="utf-8")


def test_server_json_is_valid_against_the_schema_it_names(validator: jsonschema.Draft7Validator) -> None:
    server = _load("server.json")
    assert server["$schema"] == validator.schema["$id"]
    assert _errors(validator, server) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(name="flowtly-mcp"), "name"),  # no namespace
        (lambda d: d.update(description="x" * 101), "description"),
        (lambda d: d["packages"][0].update(version="latest"), "packages/0/version"),
        (lambda d: d["packages"][0].pop("transport"), "packages/0"),
    ],
)
def test_the_schema_check_would_catch_a_broken_server_json(
    validator: jsonschema.Draft7Validator, change: Any, field: str
) -> None:
    broken = copy.deepcopy(_load("server.json"))
    change(broken)
    assert any(error.startswith(f"{field}:") for error in _errors(validator, broken)), _errors(validator, broken)


def test_every_packaging_file_states_one_version() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    server = _load("server.json")
    manifest = _load("packaging/mcpb/manifest.json")
    versions = {
        "pyproject.toml": pyproject["version"],
        "flowtly_mcp.__version__": __version__,
        "server.json": server["version"],
        "server.json packages[0]": server["packages"][0]["version"],
        "packaging/mcpb/manifest.json": manifest["version"],
    }
    assert len(set(versions.values())) == 1, versions
    assert server["packages"][0]["identifier"] == pyproject["name"] == manifest["name"]


def test_the_pypi_readme_names_the_registry_entry() -> None:
    # The registry accepts a PyPI package only when its description carries `mcp-name: <server name>`.
    assert f"mcp-name: {_load('server.json')['name']}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_variable_offered_to_users_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    offered = {variable["name"] for variable in _load("server.json")["packages"][0]["environmentVariables"]}
    offered |= set(_load("packaging/mcpb/manifest.json")["server"]["mcp_config"]["env"])
    assert offered, "nothing offered: the check would prove nothing"
    assert [name for name in sorted(offered) if f"`{name}`" not in readme] == []
