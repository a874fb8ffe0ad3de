"""References between records: ids, IRIs (`/api/clients/3`) and full URLs, in and out.

Wherever a record is referenced, callers may hold any of the three forms; `parse_ref` reduces them to the id and
refuses a reference to the wrong family, so that "client 3" can never silently become "invoice 3".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from .paths import IRI_ROOT, path_segments

Ref = str | int


def parse_ref(value: Ref, family: str) -> str:
    """The id inside `value` (an id, an IRI or a URL), which must reference a record of `family`."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a reference to {family} (an id, IRI or URL), got {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"expected an id of {family}, got the negative number {value}")
        return str(value)
    text = value.strip()
    if not text:
        raise ValueError(f"expected a reference to {family} (an id, IRI or URL), got an empty string")
    if text in (".", ".."):
        # A path segment of its own: "/invoices/.." would address the collection's parent, never a record.
        raise ValueError(f"expected a reference to {family} (an id, IRI or URL), got {text!r}, which is no id")
    if "/" not in text:
        return text
    try:
        segments, query = path_segments(text)
    except ValueError:
        raise ValueError(f"expected a reference to {family} (an id, IRI or URL), got {value!r}") from None
    if len(segments) != 2 or query:
        raise ValueError(f"expected a reference to {family} such as {iri(family, 1)}, got {value!r}")
    if segments[0] != family:
        raise ValueError(f"expected a reference to {family}, got {value}")
    record_id = unquote(segments[1])
    if not record_id.strip() or record_id.strip() in (".", ".."):
        raise ValueError(f"expected a reference to {family}, got {value!r} without a usable id")
    return record_id


def quote_id(record_id: str | int) -> str:
    """An id made safe for one path segment; an empty id is refused before it can make a wrong URL."""
    text = str(record_id)
    if not text.strip():
        raise ValueError("an id is required, got an empty one")
    return quote(text, safe="")


def iri(family: str, record_id: Ref) -> str:
    """The IRI Flowtly uses in payloads: `/api/<family>/<id>`."""
    return f"/{IRI_ROOT}/{family}/{quote_id(parse_ref(record_id, family))}"


def item_path(family: str, ref: Ref, path_prefix: str = "") -> str:
    """The request path of one record, under the configured path prefix (`""` or `"/api"`)."""
    return f"{path_prefix}/{family}/{quote_id(parse_ref(ref, family))}"


def id_of(record: Mapping[str, Any]) -> str:
    """A record's id, from its `id` field or else the last segment of its `@id`."""
    record_id = record.get("id")
    if record_id is not None and str(record_id).strip():
        return str(record_id)
    at_id = record.get("@id")
    if isinstance(at_id, str) and at_id.strip():
        last = at_id.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if last:
            return unquote(last)
    raise ValueError("the record has neither an id nor an @id")
