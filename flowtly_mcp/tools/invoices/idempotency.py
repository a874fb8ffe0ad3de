"""Checks that make a retried or repeated create ask first instead of writing a duplicate."""

from __future__ import annotations

from pydantic import BaseModel

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import LIST_INVOICES
from flowtly_mcp.models.invoices import InvoiceCreate
from flowtly_mcp.tools.kernel.guards import Preview
from flowtly_mcp.tools.kernel.runtime import Invocation


async def invoice_number_clash(inv: Invocation, args: BaseModel) -> Preview | None:
    """A preview when an invoice with this number already exists for this client; None when the number is new."""
    # Declared for the invoice family's create tool, whose input is an InvoiceCreate.
    if not isinstance(args, InvoiceCreate) or not args.name:
        return None
    number = args.name
    client_iri = refs.iri("clients", args.client)
    existing = await inv.api.fetch_all(LIST_INVOICES.path(), [("name", number), ("client", client_iri)])
    clashes = [r for r in existing if str(r.get("name", "")).strip().casefold() == number.strip().casefold()]
    if not clashes:
        return None
    ids = [str(r.get("id") or r.get("@id")) for r in clashes]
    return Preview(
        action="Create an invoice whose number already exists for this client",
        target=f"{number} for {client_iri}",
        details={"existing invoice ids": ", ".join(ids), "number": number},
        warnings=["This looks like a retry or a duplicate; creating it makes a second invoice with the same number."],
        fingerprint="|".join(sorted(ids)),
    )
