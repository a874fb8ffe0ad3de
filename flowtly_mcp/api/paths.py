"""Turning whatever a caller holds (a path, an IRI, a full URL) into the request target for the configured API.

Flowtly's IRIs always start with `/api` while its documented routes do not, and a deployment may serve under
`/api` or not. So a leading `/api` is dropped and the configured prefix put back: `/api/clients/3`,
`https://api.flowtly.eu/api/clients/3` and `/clients/3` all reach the same route. Only the path and query of a
full URL are used; the host always comes from the settings, so credentials never travel to another host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

IRI_ROOT = "api"


def path_segments(path_or_url: str) -> tuple[list[str], str]:
    """The path segments (without a leading `api`) and the raw query string of a path, IRI or URL."""
    text = path_or_url.strip()
    if not text:
        raise ValueError("a request path is required, got an empty string")
    if "://" in text:
        parts = urlsplit(text)
        path, query = parts.path, parts.query
    else:
        path, _, query = text.partition("#")[0].partition("?")
    segments = path.lstrip("/").split("/")
    if segments and segments[0] == IRI_ROOT:
        segments = segments[1:]
    if not segments or segments == [""]:
        raise ValueError(f"{path_or_url!r} names no resource")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"{path_or_url!r} has an empty or relative segment (an empty id?)")
    return segments, query


def request_target(path_or_url: str, prefix: str) -> str:
    """The request path (with query, if any) relative to the base URL."""
    segments, query = path_segments(path_or_url)
    target = prefix + "/" + "/".join(segments)
    return f"{target}?{query}" if query else target


def family_of(path_or_url: str) -> str:
    """The resource family a path belongs to: `/api/invoices/3/send` → `invoices`."""
    return path_segments(path_or_url)[0][0]
