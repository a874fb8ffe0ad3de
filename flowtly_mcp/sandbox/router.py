"""Matching request paths to routes like Symfony's router: with or without `/api`, literal segments first,
405 with `Allow` when the path exists but not for that method."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from flowtly_mcp.sandbox.errors import ApiError
from flowtly_mcp.sandbox.protocol import Call, Reply

Handler = Callable[[Call], Reply]


class Body(Enum):
    NONE = "none"  # no input
    JSON = "json"  # a JSON document is required (creates)
    OPTIONAL_JSON = "optional-json"  # actions: a JSON body when given
    MERGE_PATCH = "merge-patch"  # PATCH: application/merge-patch+json only
    UPLOAD = "upload"  # multipart/form-data or JSON


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # as in endpoints.json, without /api
    handler: Handler
    body: Body = Body.NONE
    public: bool = False
    download: bool = False  # answers a file whatever the Accept header says
    documented: bool = True  # one of the 127 documented operations

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        return re.compile(f"^{regex}$")

    @property
    def literal_segments(self) -> int:
        return sum(1 for segment in self.template.split("/") if segment and not segment.startswith("{"))


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self._compiled = sorted(
            ((route, route.pattern) for route in routes), key=lambda pair: -pair[0].literal_segments
        )

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        local = strip_prefix(path)
        allowed: list[str] = []
        for route, pattern in self._compiled:
            found = pattern.match(local)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            methods = ", ".join(sorted(set(allowed)))
            raise ApiError(
                405, f'No route found for "{method} {path}": Method Not Allowed (Allow: {methods})', {"Allow": methods}
            )
        raise ApiError(404, "Not Found")


def strip_prefix(path: str) -> str:
    if path == "/api":
        return "/"
    return path[4:] if path.startswith("/api/") else path
