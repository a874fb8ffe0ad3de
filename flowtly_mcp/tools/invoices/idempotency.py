"""Checks that make a retried or repeated create ask first instead of writing a duplicate."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import LIST_INVOICES
from flowtly_mcp.models.invoices import InvoiceCreate
from flowtly_mcp.tools.kernel.guards import Preview
from flowtly_mcp.tools.kernel.runtime import Invocation

# Zero-width and other invisible format characters (Unicode category Cf) make two equal-looking numbers differ.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def invoice_number_key(number: str) -> str:
    """What makes two invoice numbers the same to a person: NFKC (full-width "／" is "/"), no invisible
    characters, no surrounding or repeated whitespace, case ignored."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", number))
    return " ".join(text.split()).casefold()


async def invoice_number_clash(inv: Invocation, args: BaseModel) -> Preview | None:
    """A preview when an invoice with this number already exists for this client; None when the number is new."""
    # Declared for the invoice family's create tool, whose input is an InvoiceCreate.
    if not isinstance(args, InvoiceCreate) or not args.name or not invoice_number_key(args.name):
        return None
    number = args.name
    client_iri = refs.iri("clients", args.client)
    # All of the client's invoices, compared here: the API's name filter cannot know that "FV／1" is "FV/1".
    existing = await inv.api.fetch_all(LIST_INVOICES.path(), [("client", client_iri)])
    wanted = invoice_number_key(number)
    clashes = [r for r in existing if invoice_number_key(str(r.get("name") or "")) == wanted]
    if not clashes:
        return None
    ids = [str(r.get("id") or r.get("@id")) for r in clashes]
    return Preview(
        action="Create an invoice whose number already exists for this client",
        target=client_iri,
        details={"existing invoice ids": ", ".join(ids), "number": number},
        warnings=["This looks like a retry or a duplicate; creating it makes a second invoice with the same number."],
        fingerprint="|".join(sorted(ids)),
    )
