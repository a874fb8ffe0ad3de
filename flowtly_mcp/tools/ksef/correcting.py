"""Posting a correction invoice (KOR) at most once: a lost answer is followed up, never sent again.

A correction is irreversible once KSeF has it. When the connection fails after the request may have reached Flowtly,
the original's corrections are read again: exactly one new one is the correction that was made; none means nothing
arrived and it is safe to send again; several means a person must look before anything else happens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowtly_mcp.api.endpoints import CORRECT_EINVOICE
from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.kernel.errors import ToolRefused, describe_failure
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.ksef.common import AMBIGUOUS, read_invoice

LOST_ANSWER_NOTE = "the answer was lost; the correction invoice exists, so it was not sent again"


def corrections_of(record: Mapping[str, Any]) -> set[str]:
    """The ids of the invoices that correct `record` (its published `childrenInvoices`)."""
    found = record.get("childrenInvoices")
    return {child for child in (iri_id(item) for item in found or []) if child} if isinstance(found, list) else set()


async def post_correction(
    inv: Invocation, invoice_id: str, original: Mapping[str, Any], body: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Ask Flowtly to issue and send the correction of `original`; the correction's record and what happened."""
    earlier = corrections_of(original)
    try:
        answer = await inv.api.post_action(CORRECT_EINVOICE.path(id=invoice_id), dict(body))
    except AMBIGUOUS as failure:
        new = sorted(corrections_of(await read_invoice(inv, invoice_id)) - earlier)
        if len(new) != 1:
            raise ToolRefused(
                f"The correction failed ({describe_failure(failure, inv.spec.name)}) and "
                + (
                    "no new correction invoice exists: it is safe to send it again."
                    if not new
                    else f"several new corrections exist ({', '.join(new)}): check them before doing anything else."
                )
            ) from None
        return await read_invoice(inv, new[0]), [LOST_ANSWER_NOTE]
    return (dict(answer) if isinstance(answer, Mapping) else {}), []
