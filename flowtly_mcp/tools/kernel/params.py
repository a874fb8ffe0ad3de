"""Parameters shared by many tools: paging, views, field projection, ids."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flowtly_mcp.models.common import InputModel, RefText


class ListControls(InputModel):
    limit: int = Field(default=20, ge=1, le=200)
    cursor: str | None = None
    view: Literal["compact", "full"] = "compact"
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
