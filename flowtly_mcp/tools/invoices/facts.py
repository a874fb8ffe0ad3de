"""What a preview of an invoice action shows: number, client, gross amount, status and KSeF state, read from the API.

Previews of several invoices often name the same client; `ClientNames` reads each client once per call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import GET_CLIENT, GET_INVOICE
from flowtly_mcp.finance.ksef import ksef_number_of
from flowtly_mcp.finance.money import format_amount, parse_optional_amount
from flowtly_mcp.finance.wire import embedded, iri_id
from flowtly_mcp.tools.kernel.runtime import Invocation


class ClientNames:
    """Client display names by id, each read at most once."""

    def __init__(self, inv: Invocation) -> None:
        self._inv = inv
        self._names: dict[str, str] = {}
        self._locks: dict[str, anyio.Lock] = {}

    async def name(self, client_ref: Any) -> str | None:
        client_id = iri_id(client_ref)
        if client_id is None:
            return None
        # Concurrent previews of one client's invoices wait for the first read instead of repeating it.
        async with self._locks.setdefault(client_id, anyio.Lock()):
            if client_id not in self._names:
                record = await self._inv.api.get(GET_CLIENT.path(id=client_id))
                self._names[client_id] = str(record.get("name") or f"client {client_id}")
        return f"{self._names[client_id]} (client {client_id})"


@dataclass(frozen=True)
class InvoiceFacts:
    id: str
    record: Mapping[str, Any]
    client: str | None

    @property
    def number(self) -> str:
        return str(self.record.get("name") or f"invoice {self.id}")

    @property
    def status(self) -> str | None:
        value = self.record.get("status")
        return str(value) if value is not None else None

    @property
    def gross(self) -> str | None:
        amount = parse_optional_amount(self.record.get("amount"))
        currency = str(self.record.get("currency") or "PLN")
        return format_amount(amount, currency) if amount is not None else None

    @property
    def ksef_number(self) -> str | None:
        return ksef_number_of(self.record)

    @property
    def ksef_status(self) -> str | None:
        state = embedded(self.record.get("eInvoicing")) or {}
        value = state.get("status")
        return str(value) if value is not None else None

    def summary(self) -> dict[str, Any]:
        """The lines a person checks before approving: which invoice, whose, how much, in what state."""
        out: dict[str, Any] = {
            "invoice": self.id,
            "number": self.number,
            "client": self.client,
            "gross": self.gross,
            "status": self.status,
        }
        if self.ksef_status or self.ksef_number:
            out["ksef"] = " ".join(p for p in (self.ksef_status, self.ksef_number) if p)
        return {k: v for k, v in out.items() if v is not None}

    def state(self, *, with_ksef: bool) -> dict[str, Any]:
        """What must not change between a preview and its confirmation.

        KSeF processing moves on by itself, so only previews of KSeF actions bind to the KSeF state.
        """
        out = {**self.summary(), "updatedAt": self.record.get("updatedAt"), "type": self.record.get("type")}
        if not with_ksef:
            out.pop("ksef", None)
        return out


async def invoice_facts(inv: Invocation, invoice_id: str, clients: ClientNames) -> InvoiceFacts:
    record = await inv.api.get(GET_INVOICE.path(id=invoice_id))
    return InvoiceFacts(id=invoice_id, record=record, client=await clients.name(record.get("client")))


def invoice_iri(invoice_id: str) -> str:
    return refs.iri("invoices", invoice_id)
