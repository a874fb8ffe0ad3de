"""Output models shared by many tools; small on purpose, since every schema costs context tokens."""

from __future__ import annotations

from typing import Annotated, Any

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
