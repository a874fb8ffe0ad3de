"""Opaque cursors for `list_slice`: a position (page, offset within page) bound to one listing.

The cursor names the listing by a digest of its path and filters, so a cursor carried over to another listing is
refused instead of silently returning the wrong records; a checksum catches cursors that were cut or edited. The
position is the server's page number plus an offset into that page, so slices of any size can resume mid-page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import urlencode

from .errors import InvalidCursor
from .query import QueryPairs

_VERSION = "1"
_GARBLED = "the cursor is damaged or was edited; start again without a cursor"
_FOREIGN = (
    "the cursor belongs to another listing (a different path or different filters); "
    "repeat the exact call that returned it, or start again without a cursor"
)


def listing_scope(path: str, pairs: QueryPairs) -> str:
    """A short digest identifying a listing: its request path and its filters in canonical order."""
    canonical = f"{path}?{urlencode(sorted(pairs))}"
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(scope: str, page: int, offset: int) -> str:
    payload = f"{_VERSION}:{scope}:{page}:{offset}"
    sealed = f"{payload}:{_checksum(payload)}"
    return base64.urlsafe_b64encode(sealed.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str) -> tuple[int, int]:
    """The (page, offset) a cursor points at; InvalidCursor if it is damaged or belongs elsewhere."""
    text = cursor.strip()
    try:
        sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor(_GARBLED) from None
    payload, _, checksum = sealed.rpartition(":")
    if not payload or checksum != _checksum(payload):
        raise InvalidCursor(_GARBLED)
    fields = payload.split(":")
    if len(fields) != 4:
        raise InvalidCursor(_GARBLED)
    version, cursor_scope, page_text, offset_text = fields
    if version != _VERSION or not page_text.isdigit() or not offset_text.isdigit():
        raise InvalidCursor(_GARBLED)
    if cursor_scope != scope:
        raise InvalidCursor(_FOREIGN)
    page, offset = int(page_text), int(offset_text)
    if page < 1:
        raise InvalidCursor(_GARBLED)
    return page, offset


def _checksum(payload: str) -> str:
    return hashlib.sha256(f"flowtly-cursor:{payload}".encode()).hexdigest()[:10]
