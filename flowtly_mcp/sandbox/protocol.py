"""One request as handlers see it, and the reply they give back (before content negotiation renders it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flowtly_mcp.sandbox import codec
from flowtly_mcp.sandbox.errors import ApiError
from flowtly_mcp.sandbox.query import Query
from flowtly_mcp.sandbox.world import World

# Symfony's JSON decoder stops at 512 levels; the sandbox stops earlier, well inside Python's recursion limit.
MAX_DEPTH = 64


def _inspect(payload: Any) -> tuple[int, bool]:
    """Nesting depth of a JSON value (measured without recursion), and whether every string is valid Unicode:
    JSON may escape a lone surrogate, which no UTF-8 output can carry."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(payload, 1)]
    while pending:
        value, level = pending.pop()
        deepest = max(deepest, level)
        if isinstance(value, str) and not _encodable(value):
            return deepest, False
        if isinstance(value, dict):
            if not all(_encodable(key) for key in value):
                return deepest, False
            pending.extend((item, level + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, level + 1) for item in value)
    return deepest, True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Call:
    world: World
    method: str
    path: str  # as requested, with or without the /api prefix
    params: dict[str, str]
    query: Query
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    plain_json: bool  # the client asked for application/json: no JSON-LD keys

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("content-type")
        return value.split(";")[0].strip().lower() if value else None

    def json(self) -> Any:
        """The body as JSON (non-integer numbers as Decimal); 400 when it is not JSON."""
        if not self.body.strip():
            raise ApiError(400, "Syntax error")
        try:
            payload = codec.loads(self.body)
        except (ValueError, RecursionError) as error:
            raise ApiError(400, "Syntax error") from error
        depth, paired = _inspect(payload)
        if depth > MAX_DEPTH:
            raise ApiError(400, "Maximum stack depth exceeded")
        if not paired:
            raise ApiError(400, "Single unpaired UTF-16 surrogate in unicode escape")
        return payload

    def json_or_empty(self) -> Any:
        """Like `json`, but an empty body reads as an empty object (action endpoints with optional input)."""
        return {} if not self.body.strip() else self.json()

    @property
    def path_id(self) -> str:
        return self.params["id"]


@dataclass
class Reply:
    """A JSON-LD document (or raw bytes for downloads) with its status and extra headers."""

    status: int = 200
    document: Any = None
    content: bytes | None = None
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def created(document: dict[str, Any]) -> Reply:
    iri = str(document.get("@id", ""))
    return Reply(201, document, headers={"Location": iri, "Content-Location": iri})


def no_content() -> Reply:
    return Reply(204)


def file_reply(content: bytes, media_type: str, filename: str) -> Reply:
    # Header values travel as Latin-1: the suggested file name is kept to plain ASCII.
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    return Reply(
        200,
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )
