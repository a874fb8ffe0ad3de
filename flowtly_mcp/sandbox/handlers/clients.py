"""Client extras: search across names, TINs and contacts; a client's documents (its invoices)."""

from __future__ import annotations

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.protocol import Call, Reply
from flowtly_mcp.sandbox.resources.billing import INVOICES
from flowtly_mcp.sandbox.resources.clients import CLIENTS


def search(call: Call) -> Reply:
    """`q` matches name, TIN, VAT number, city or a contact's e-mail; the list filters apply too."""
    world = call.world
    views = world.views("clients")
    needle = call.query.get("q")
    if isinstance(needle, str) and needle.strip():
        wanted = needle.casefold().strip()
        compact = wanted.replace("-", "").replace(" ", "")
        matched = []
        for view in views:
            texts = [str(view.get(f) or "").casefold() for f in ("name", "vatNumber", "addressCity")]
            tin = str(view.get("tin") or "").replace("-", "").replace(" ", "").casefold()
            emails = [
                str(c.get("email") or "").casefold()
                for c in world.related("client-contacts", "client", CLIENTS.iri(view["id"]))
            ]
            if any(wanted in text for text in texts + emails) or (compact and compact in tin):
                matched.append(view)
        views = matched
    return crud.collection_reply(call, CLIENTS, views, collection_iri="/api/clients/search")


def documents(call: Call) -> Reply:
    """The client's invoices (every type), with the invoice filters available."""
    world = call.world
    client = crud.find_or_404(world, "clients", call.path_id)
    iri = CLIENTS.iri(client["id"])
    views = [view for view in world.views("invoices") if view.get("client") == iri]
    return crud.collection_reply(call, INVOICES, views, collection_iri=f"/api/clients/{client['id']}/documents")
