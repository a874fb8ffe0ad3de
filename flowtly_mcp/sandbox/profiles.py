"""Which shape the sandbox serves: only what Flowtly's docs publish, or the sandbox's richer extended shape.

`documented`: every resource with a published schema serves exactly its published fields (plus `@context`, `@id`,
`@type`, `id`), embeds the relations the docs give as objects, and declares filters only on fields it serves.
`extended`: the sandbox's own extras too (a transaction's currency, counterpartyName and counterpartyAccount, the
payments applied to it and its problems; an invoice's paid, open and overpaid amounts; row amounts; ...).
"""

from __future__ import annotations

import os
from dataclasses import replace
from enum import StrEnum
from typing import Any

from flowtly_mcp.sandbox.resources.published import (
    LINKED_DATA_KEYS,
    NESTED_FAMILIES,
    PUBLISHED_FIELDS,
)
from flowtly_mcp.sandbox.schema import Filters, Resource
from flowtly_mcp.sandbox.startup import SandboxUnavailable


class Profile(StrEnum):
    DOCUMENTED = "documented"
    EXTENDED = "extended"


# The shape a sandbox serves unless told otherwise: what Flowtly publishes, which is all the client relies on.
DEFAULT_PROFILE = Profile.DOCUMENTED
PROFILE_ENV = "FLOWTLY_SANDBOX_PROFILE"


class UnknownProfile(SandboxUnavailable):
    """FLOWTLY_SANDBOX_PROFILE or --profile names no profile."""


def parse_profile(value: str) -> Profile:
    try:
        return Profile(value.strip().lower())
    except ValueError:
        choices = ", ".join(profile.value for profile in Profile)
        raise UnknownProfile(f"unknown sandbox profile {value!r}: use one of {choices}") from None


def profile_from_env() -> Profile:
    """FLOWTLY_SANDBOX_PROFILE when set, else DEFAULT_PROFILE."""
    raw = os.environ.get(PROFILE_ENV, "").strip()
    return parse_profile(raw) if raw else DEFAULT_PROFILE


def served_fields(profile: Profile, family: str) -> frozenset[str] | None:
    """The fields items of a family carry under a profile; None when the family's own shape is served whole."""
    if profile is Profile.EXTENDED:
        return None
    return PUBLISHED_FIELDS.get(family)


def served_resource(profile: Profile, resource: Resource) -> Resource:
    """The family as clients see it under a profile: filters only on the fields it serves."""
    fields = served_fields(profile, resource.family)
    if fields is None:
        return resource
    known = fields | {"id"}

    def keep(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name for name in names if name in known)

    declared = resource.filters
    filters = Filters(
        exact=keep(declared.exact),
        partial=keep(declared.partial),
        dates=keep(declared.dates),
        ranges=keep(declared.ranges),
        order=keep(declared.order),
        exists=keep(declared.exists),
    )
    return replace(resource, fields=tuple(field for field in resource.fields if field.name in fields), filters=filters)


def cut(profile: Profile, family: str, document: dict[str, Any]) -> dict[str, Any]:
    """A rendered item reduced to what the profile serves, embedded documents included."""
    fields = served_fields(profile, family)
    if fields is None:
        return document
    shaped = {key: value for key, value in document.items() if key in LINKED_DATA_KEYS or key in fields}
    for name, nested_family in NESTED_FAMILIES.get(family, {}).items():
        value = shaped.get(name)
        if isinstance(value, dict):
            shaped[name] = cut(profile, nested_family, value)
        elif isinstance(value, list):
            shaped[name] = [cut(profile, nested_family, item) if isinstance(item, dict) else item for item in value]
    return shaped
