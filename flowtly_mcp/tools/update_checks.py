"""When a plain update asks first: it erases data, or its effect equals a guarded action.

Every `update_*` tool publishes `destructiveHint: true` (a merge-patch overwrites fields). A call asks for
confirmation when it would erase a non-empty field (an explicit null), and in the cases where an update does what
a guarded tool does: shrinking a payment applied to an invoice or unlinking it from its bank transaction (as
deleting it would), or unlinking a document from its transaction (as `detach_attachment` would). Other updates run
at once; their previews return None.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from flowtly_mcp.api import refs
from flowtly_mcp.finance.money import parse_optional_amount
from flowtly_mcp.tools.families import Family
from flowtly_mcp.tools.kernel.guards import Preview, Previewer, fingerprint
from flowtly_mcp.tools.kernel.naming import with_names
from flowtly_mcp.tools.kernel.params import ById
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_record, compact_value, plain


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _given(args: BaseModel, fields: frozenset[str]) -> dict[str, Any]:
    """The fields the call sets, explicit nulls included (an absent field is left alone by merge-patch)."""
    return {name: getattr(args, name) for name in args.model_fields_set if name in fields}


def _payment_effects(record: Mapping[str, Any], changes: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """Why an invoice-transaction update is guarded like deleting the payment: it shrinks or unlinks it."""
    warnings = []
    current = parse_optional_amount(record.get("amount"))
    new = changes.get("amount")
    if isinstance(new, Decimal) and current is not None and new < current:
        warnings.append(
            f"The payment shrinks from {current} to {new}: {current - new} of the invoice becomes unpaid again "
            "(as deleting the payment would)."
        )
    if "transaction" in changes and changes["transaction"] is None and _filled(record.get("transaction")):
        warnings.append("The payment is unlinked from its bank transaction: the money no longer explains it.")
    return ("Change a payment applied to an invoice" if warnings else None), warnings


def _attachment_effects(record: Mapping[str, Any], changes: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """Unlinking a document from its transaction is what `detach_attachment` does, and asks like it."""
    if "transaction" in changes and changes["transaction"] is None and _filled(record.get("transaction")):
        return "Detach document from its transaction", [
            "The transaction loses this document (it may then count as missing an attachment)."
        ]
    return None, []


_EQUIVALENTS = {"invoice-transactions": _payment_effects, "transaction-attachments": _attachment_effects}


def update_check(family: Family, *, has_get: bool) -> Previewer:
    """The preview of `update_<family>`: None unless the call erases data or equals a guarded action."""
    assert family.update is not None
    fields = frozenset(family.update.model_fields)

    async def preview(inv: Invocation, args: BaseModel) -> Preview | None:
        # Declared for the family's update tool, whose input is a ById with the family's update fields.
        if not isinstance(args, ById):
            return None
        changes = _given(args, fields)
        erasing = sorted(name for name, value in changes.items() if value is None)
        equivalent = _EQUIVALENTS.get(family.path)
        if not erasing and equivalent is None:
            return None
        record_id = ref_id(args.id, family.path, "id")
        record: Mapping[str, Any] = await inv.api.get(refs.item_path(family.path, record_id)) if has_get else {}
        action, warnings = equivalent(record, changes) if equivalent is not None else (None, [])
        # Without a readable record, every explicit null may erase something.
        erased = [name for name in erasing if _filled(record.get(name)) or not has_get]
        if not erased and action is None:
            return None
        if erased:
            warnings.append("Erased for good: " + ", ".join(erased) + " (their current values are shown).")
        current = compact_record(record, keep=[*(family.compact or ()), *changes]) if record else {}
        details = {
            **current,
            "change": {
                name: "(erased)" if value is None else compact_value(plain(value)) for name, value in changes.items()
            },
        }
        return Preview(
            action=action or f"Erase fields of {family.label} {record_id}",
            target=refs.iri(family.path, record_id),
            details=plain(await with_names(inv, details)),
            warnings=warnings,
            fingerprint=fingerprint(record),
        )

    return preview
