"""The documented endpoint inventory (`data/endpoints.json`), vendored with the package."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    kind: str
    summary: str
    risk: str | None

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"


@cache
def endpoints() -> tuple[Endpoint, ...]:
    raw = json.loads(resources.files("flowtly_mcp").joinpath("data/endpoints.json").read_text(encoding="utf-8"))
    return tuple(
        Endpoint(e["method"], e["path"], e["kind"], e.get("summary", ""), e.get("risk")) for e in raw["endpoints"]
    )


def operations() -> frozenset[str]:
    return frozenset(e.operation for e in endpoints())


def op(method: str, path: str) -> str:
    """A documented operation string; fails at import time when the inventory does not list it."""
    text = f"{method} {path}"
    if text not in operations():
        raise KeyError(f"{text} is not a documented endpoint")
    return text
