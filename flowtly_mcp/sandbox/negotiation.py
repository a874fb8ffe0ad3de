"""Content negotiation as API Platform does it: Accept picks JSON-LD or plain JSON, writes must declare JSON."""

from __future__ import annotations

from flowtly_mcp.sandbox.errors import ApiError

JSONLD = "application/ld+json"
JSON = "application/json"
PROBLEM = "application/problem+json"
MERGE_PATCH = "application/merge-patch+json"
OUTPUT_TYPES = (JSONLD, JSON, PROBLEM)
INPUT_TYPES = (JSONLD, JSON)


def wants_plain_json(accept: str | None) -> bool:
    """True for application/json (or problem+json), False for JSON-LD; 406 when nothing offered is supported."""
    if accept is None or not accept.strip():
        return False
    offered: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *options = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            offered.append((-quality, position, media.lower()))
    for _, _, media in sorted(offered):
        if media in (JSONLD, "*/*", "application/*"):
            return False
        if media in (JSON, PROBLEM):
            return True
    supported = '", "'.join(OUTPUT_TYPES)
    raise ApiError(406, f'Requested format "{accept}" is not supported. Supported MIME types are "{supported}".')


def lenient_plain_json(accept: str | None) -> bool:
    """For error bodies: never fail, just pick the closest rendering."""
    try:
        return wants_plain_json(accept)
    except ApiError:
        return False


def require_json_body(content_type: str | None) -> None:
    if content_type is None:
        raise ApiError(415, 'The "Content-Type" header must exist.')
    if content_type not in INPUT_TYPES:
        supported = '", "'.join(INPUT_TYPES)
        raise ApiError(
            415, f'The content-type "{content_type}" is not supported. Supported MIME types are "{supported}".'
        )


def require_merge_patch(content_type: str | None) -> None:
    if content_type is None:
        raise ApiError(415, 'The "Content-Type" header must exist.')
    if content_type != MERGE_PATCH:
        raise ApiError(
            415, f'The content-type "{content_type}" is not supported. Supported MIME types are "{MERGE_PATCH}".'
        )
