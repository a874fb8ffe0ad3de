"""Request bodies from validated tool inputs: references become IRIs, dates ISO strings, money stays Decimal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from flowtly_mcp.models.common import ref_fields
from flowtly_mcp.tools.kernel.references import ref_iri


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def body_of(model: BaseModel, *, only_set: bool = False, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The JSON body for `model`: unset fields left out (merge-patch), `None` kept only when set explicitly."""
    body: dict[str, Any] = {}
    families = ref_fields(type(model))
    chosen = model.model_fields_set if only_set else set(type(model).model_fields)
    for name in type(model).model_fields:
        if name in exclude or name not in chosen:
            continue
        value = getattr(model, name)
        if value is None and not only_set:
            continue
        if isinstance(value, BaseModel):
            body[name] = body_of(value)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            body[name] = [body_of(v) for v in value]
        elif name in families and value is not None:
            family = families[name]
            body[name] = (
                [ref_iri(v, family, name) for v in value] if isinstance(value, list) else ref_iri(value, family, name)
            )
        else:
            body[name] = _plain(value)
    return body
