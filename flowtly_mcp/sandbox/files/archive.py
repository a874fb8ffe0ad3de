"""Zip archives with fixed timestamps, so the same files always give the same bytes."""

from __future__ import annotations

import io
import zipfile

_EPOCH = (2020, 1, 1, 0, 0, 0)


def build(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            unique = _unique(name, used)
            info = zipfile.ZipInfo(unique, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def _unique(name: str, used: set[str]) -> str:
    candidate, counter = name, 1
    while candidate in used:
        stem, dot, extension = name.rpartition(".")
        candidate = f"{stem}-{counter}.{extension}" if dot else f"{name}-{counter}"
        counter += 1
    used.add(candidate)
    return candidate
