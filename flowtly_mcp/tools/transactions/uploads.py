"""Reading a document to upload, from a local file or base64 text, and knowing what kind of document it is.

A local path is a way for a prompt to make the server send a file to Flowtly, so only what looks like a business
document (PDF, image, XML) is read, judged by its first bytes rather than its name, and only up to a size limit.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from flowtly_mcp.tools.kernel.errors import ToolInputError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# First bytes → content type. XML is recognised separately (it may start with a BOM or whitespace).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    file_name: str


def sniff(content: bytes) -> str | None:
    """The content type of a PDF, PNG, JPEG, TIFF, WebP or XML document; None for anything else."""
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<")):
        return "application/xml"
    return None


def _checked(content: bytes, file_name: str, field: str) -> Document:
    if not content:
        raise ToolInputError(f"{field}: the document is empty.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ToolInputError(f"{field}: {len(content)} bytes is over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB limit.")
    content_type = sniff(content)
    if content_type is None:
        raise ToolInputError(f"{field}: not a PDF, image (PNG, JPEG, TIFF, WebP) or XML document.")
    return Document(content=content, content_type=content_type, file_name=file_name)


def from_path(path: Path, path_text: str) -> Document:
    """The document at `path`, already resolved and checked to be in an allowed place (`upload_places`)."""
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ToolInputError(f"file_path: the file is over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB limit.")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ToolInputError(f"file_path: cannot read {path_text} ({exc.strerror}).") from None
    return _checked(content, path.name, "file_path")


def from_base64(text: str, file_name: str) -> Document:
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ToolInputError("content_base64: not valid base64 text.") from None
    return _checked(content, file_name, "content_base64")
