"""Client rules: a client lists the IRIs of its contacts."""

from __future__ import annotations

from typing_extensions import override

from flowtly_mcp.sandbox.behaviour import Behaviour
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


class ClientBehaviour(Behaviour):
    @override
    def view(self, world: World, record: Record) -> Record:
        iri = f"/api/clients/{record['id']}"
        view = dict(record)
        view["clientContacts"] = [
            f"/api/client-contacts/{c['id']}" for c in world.related("client-contacts", "client", iri)
        ]
        return view
