"""Parameters shared by many tools: paging, views, field projection, ids."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from flowtly_mcp.models.common import InputModel, RefText


def _published_bare(schema: dict[str, Any]) -> None:
    """Leave the default and the lower bound out of a paging control's published schema.

    They are on some 25 list tools, so each costs every host tokens on every turn; the server instructions say
    once that lists return 20 compact records, and a limit below 1 is still refused, with the field named.
    """
    schema.pop("default", None)
    schema.pop("minimum", None)


class ListControls(InputModel):
    limit: int = Field(default=20, ge=1, le=200, json_schema_extra=_published_bare)
    cursor: str | None = None
    view: Literal["compact", "full"] = Field(default="compact", json_schema_extra=_published_bare)
    fields: list[str] | None = None


class ReadControls(InputModel):
    # One record is returned whole (JSON-LD noise stripped); `fields` narrows it.
    fields: list[str] | None = None


class ById(InputModel):
    id: RefText


class GetControls(ReadControls):
    """Arguments of a generated get tool: the record and the fields to show."""

    id: RefText


class NoInput(InputModel):
    """Arguments of a tool that takes none."""
