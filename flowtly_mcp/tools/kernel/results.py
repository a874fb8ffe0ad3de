"""Output models shared by many tools; small on purpose, since every schema costs context tokens."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, WithJsonSchema, model_serializer


class OmitsNone(BaseModel):
    """A result that leaves an unknown or absent field out instead of writing null.

    So its published output schema needs no `null` in any type (each one costs every host tokens on every turn),
    and a caller tests for the key. The serializer is deliberately unannotated: an annotated return type would
    replace the model's own schema in the published output schema.
    """

    @model_serializer(mode="wrap")
    def _omit_none(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        dumped: dict[str, Any] = handler(self)
        return {key: value for key, value in dumped.items() if value is not None}


class ListResult(OmitsNone):
    items: list[dict[str, Any]]
    total: Annotated[int | None, WithJsonSchema({"type": "integer"})] = Field(
        default=None, description="All matches, when known"
    )
    next_cursor: Annotated[str | None, WithJsonSchema({"type": "string"})] = Field(
        default=None, description="Pass back as cursor; absent when complete"
    )
    checked_here: list[str] = Field(default=[], description="Filters the API does not declare, applied by this server")

    @classmethod
    def of(
        cls,
        items: list[dict[str, Any]],
        *,
        total: int | None,
        next_cursor: str | None,
        checked_here: list[str] | None = None,
    ) -> ListResult:
        """A page of records this server has just shaped, without validating every record again (pydantic would
        copy each of them)."""
        return cls.model_construct(
            items=items, total=total, next_cursor=next_cursor, checked_here=checked_here if checked_here else []
        )

    def json_data(self) -> dict[str, Any]:
        """`model_dump(mode="json")` without pydantic inferring the type of every value of every record (a page of
        30 invoices: about a quarter of the time). Records hold JSON values and Decimals, which both write as text."""
        data: dict[str, Any] = {"items": msgspec.to_builtins(self.items, str_keys=True)}
        if self.total is not None:
            data["total"] = self.total
        if self.next_cursor is not None:
            data["next_cursor"] = self.next_cursor
        data["checked_here"] = list(self.checked_here)
        return data


# Anything JSON cannot hold is written as its text, as `json.dumps(default=str)` would.
_JSON = msgspec.json.Encoder(enc_hook=str)


def json_data(result: BaseModel) -> dict[str, Any]:
    """A tool's result as JSON data: its structured content."""
    if type(result) is ListResult:
        return result.json_data()
    data: dict[str, Any] = result.model_dump(mode="json")
    return data


def json_text(data: Any) -> str:
    """Compact JSON text for a tool's text content: the same data as its structured content."""
    return _JSON.encode(data).decode()


class ItemResult(BaseModel):
    item: dict[str, Any]


class DeleteResult(BaseModel):
    deleted: str = Field(description="IRI of the removed resource")


class ActionResult(BaseModel):
    """Answer of an action endpoint (send, merge, apply, queue): what the API said, compacted."""

    ok: bool
    result: dict[str, Any] | list[Any] | None = None
    message: str | None = None


class FileResult(BaseModel):
    """A downloaded file: saved to disk, never poured into the context."""

    path: str | None = Field(description="Where the file was saved")
    resource_uri: str | None = Field(default=None, description="MCP resource serving the same file")
    content_type: str
    size: int
    sha256: str
    text: str | None = Field(default=None, description="Inline content, only when asked for and small")


class BatchResult(BaseModel):
    """Outcome of a bulk action, one entry per record; `failed` > 0 means some were not done (see results)."""

    total: int
    succeeded: int
    failed: int
    results: list[dict[str, Any]]
    message: str | None = None
