"""The shapes the client returns for listings and files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import Message
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any


@dataclass(frozen=True)
class Page:
    """One page of a collection as the server sent it.

    `total` is the collection's size when the server says it; `next_page` is None on the last page; `last_page`
    is known only when the server reports it (or it follows from the total).
    """

    items: list[dict[str, Any]]
    total: int | None
    page: int
    next_page: int | None
    last_page: int | None


@dataclass(frozen=True)
class Slice:
    """Up to `limit` records from a position in a collection; `next_cursor` is None exactly when none are left."""

    items: list[dict[str, Any]]
    total: int | None
    next_cursor: str | None


@dataclass(frozen=True)
class Download:
    """A file the API produced (PDF, XML, UPO, MT940, ZIP), with what is needed to store and verify it."""

    content: bytes = field(repr=False)
    content_type: str
    filename: str | None
    size: int
    sha256: str

    @classmethod
    def of(cls, content: bytes, content_type: str, content_disposition: str | None) -> Download:
        return cls(
            content=content,
            content_type=content_type,
            filename=filename_from_disposition(content_disposition),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )


def filename_from_disposition(header: str | None) -> str | None:
    """The file name a Content-Disposition header offers (RFC 6266, including `filename*`), without any path."""
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    name = message.get_filename()
    if not name:
        return None
    # A server-sent name must never steer where a file is written: keep the last path component only.
    base = PureWindowsPath(PurePosixPath(name).name).name.strip()
    return base if base not in ("", ".", "..") else None
