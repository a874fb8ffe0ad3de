"""Small pieces the action handlers share: reading IRI lists from bodies, job answers, record lookups."""

from __future__ import annotations

import hashlib
from typing import Any

from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation
from flowtly_mcp.sandbox.iris import resolve
from flowtly_mcp.sandbox.protocol import Reply
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def id_of(iri: Any) -> str:
    return str(iri).rsplit("/", 1)[-1]


def required_iris(world: World, body: Any, key: str, target: str) -> list[str]:
    """A non-empty list of IRIs of `target` under `key`; IRI problems answer 400 as API Platform does."""
    if not isinstance(body, dict):
        raise ApiError(400, "The input data is misformatted.")
    values = body.get(key)
    if values is None or values == []:
        raise ValidationFailed(
            [Violation(key, "This value should not be blank.", "c1051bb4-d103-4f74-8988-acbcafc7fdc3")]
        )
    if not isinstance(values, list):
        raise ValidationFailed([Violation(key, "This value should be of type array.")])
    resolved: list[str] = []
    for value in values:
        if isinstance(value, dict):
            raise ApiError(400, f'Nested documents for attribute "{key}" are not allowed. Use IRIs instead.')
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"/api/{target}/{value}"
        if not isinstance(value, str):
            raise ValidationFailed([Violation(key, "This value should be of type string.")])
        resolved.append(resolve(world, value, target))
    return list(dict.fromkeys(resolved))


def records_of(world: World, family: str, iris: list[str]) -> list[Record]:
    found = [world.find(family, id_of(iri)) for iri in iris]
    return [record for record in found if record is not None]


def job_reply(world: World, kind: str, subject: str, details: dict[str, Any] | None = None) -> Reply:
    """202 Accepted with the queued job, as Flowtly answers for work it does in the background."""
    job_id = hashlib.sha256(f"{kind}|{subject}|{world.store.version}".encode()).hexdigest()[:16]
    document: dict[str, Any] = {
        "@context": "/api/contexts/Job",
        "@id": f"/api/jobs/{job_id}",
        "@type": "Job",
        "id": job_id,
        "kind": kind,
        "status": "queued",
        "subject": subject,
        "createdAt": world.timestamp(),
    }
    document.update(details or {})
    return Reply(202, document)


def text_field(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise ValidationFailed(
                [Violation(key, "This value should not be blank.", "c1051bb4-d103-4f74-8988-acbcafc7fdc3")]
            )
        return None
    if not isinstance(value, str):
        raise ValidationFailed([Violation(key, "This value should be of type string.")])
    return value
