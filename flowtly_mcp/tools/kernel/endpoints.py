"""The documented endpoints (`data/endpoints.json`, vendored with the package), and the endpoints tools request.

An `Endpoint` ties the operation string a tool declares to the path it requests, so the two cannot drift apart:
both come from one documented template, checked against the inventory when the module is imported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from flowtly_mcp.api import refs

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Documented:
    method: str
    path: str
    kind: str
    summary: str
    risk: str | None

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"


@cache
def endpoints() -> tuple[Documented, ...]:
    raw = json.loads(resources.files("flowtly_mcp").joinpath("data/endpoints.json").read_text(encoding="utf-8"))
    return tuple(
        Documented(e["method"], e["path"], e["kind"], e.get("summary", ""), e.get("risk")) for e in raw["endpoints"]
    )


def operations() -> frozenset[str]:
    return frozenset(e.operation for e in endpoints())


def op(method: str, path: str) -> str:
    """A documented operation string; fails at import time when the inventory does not list it."""
    text = f"{method} {path}"
    if text not in operations():
        raise KeyError(f"{text} is not a documented endpoint")
    return text


@dataclass(frozen=True)
class Endpoint:
    """One documented operation: `operation` for the tool's declaration, `path(...)` for the request."""

    method: str
    template: str

    def __post_init__(self) -> None:
        op(self.method, self.template)

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"

    def path(self, **ids: str) -> str:
        """The request path with each `{name}` replaced by its id, quoted as one path segment."""

        def fill(match: re.Match[str]) -> str:
            return refs.quote_id(ids[match.group(1)])

        return _PLACEHOLDER.sub(fill, self.template)


def endpoint(method: str, template: str) -> Endpoint:
    return Endpoint(method, template)
