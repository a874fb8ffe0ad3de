"""Saving downloaded files (PDF, XML, UPO, MT940, ZIP) under the download directory, never into the context.

A file name is built from our own words and ids, never from the server's, and is checked to land inside the
download directory. Only small text files are returned inline, and only when asked for.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pydantic import Field

from flowtly_mcp.api import Download
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.results import FileResult
from flowtly_mcp.tools.kernel.runtime import Invocation

INLINE_LIMIT_BYTES = 20 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TEXT_TYPES = ("text/", "application/xml", "application/json")
_MAX_NAME = 120


class SavedFile(FileResult):
    note: str | None = Field(default=None, description="Why text is absent although inline was asked")


def safe_file_name(stem: str, suffix: str) -> str:
    """A file name made of letters, digits, dots, dashes and underscores only, without a leading dot."""
    cleaned = _UNSAFE.sub("_", stem).strip("._") or "download"
    return f"{cleaned[:_MAX_NAME]}{suffix}"


def is_text(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(_TEXT_TYPES) or media.endswith("+xml")


def _write(directory: Path, name: str, content: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    target = (root / name).resolve()
    if target.parent != root:
        raise ToolRefused(f"Refusing to write {name!r} outside the download directory.")
    # Written beside the target and renamed, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def save_download(
    inv: Invocation, download: Download, *, stem: str, suffix: str, resource_uri: str | None, inline: bool
) -> SavedFile:
    """Store `download` as `<stem><suffix>` in the download directory; inline text only when asked and small."""
    path = _write(inv.state.settings.download_dir, safe_file_name(stem, suffix), download.content)
    text = note = None
    if inline:
        if not is_text(download.content_type):
            note = f"{download.content_type} is not text; open the saved file instead."
        elif download.size > INLINE_LIMIT_BYTES:
            note = f"{download.size} bytes is over the {INLINE_LIMIT_BYTES}-byte inline limit; open the saved file."
        else:
            text = download.content.decode("utf-8-sig", errors="replace")
    return SavedFile(
        path=str(path),
        resource_uri=resource_uri,
        content_type=download.content_type,
        size=download.size,
        sha256=download.sha256,
        text=text,
        note=note,
    )
