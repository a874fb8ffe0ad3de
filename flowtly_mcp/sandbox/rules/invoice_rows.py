"""Invoice row rules: computed row totals, a row belongs to one invoice, KSeF-registered rows are frozen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from typing_extensions import override

from flowtly_mcp.sandbox.behaviour import Behaviour
from flowtly_mcp.sandbox.errors import ApiError, Violation
from flowtly_mcp.sandbox.money import row_totals
from flowtly_mcp.sandbox.resources.billing import INVOICE_ROWS
from flowtly_mcp.sandbox.rules import ksef_state
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def _invoice_of(world: World, row: Record) -> Record | None:
    return world.find("invoices", str(row.get("invoice") or "").rsplit("/", 1)[-1]) if row.get("invoice") else None


def _frozen(world: World, invoice: Record | None) -> str | None:
    if invoice is None:
        return None
    state = ksef_state.outbound_record(world, invoice)
    if state is not None and ksef_state.locks_invoice(state):
        return (
            f"The invoice is registered in KSeF ({ksef_state.describe(state)}): its rows cannot change; "
            "use a correction invoice."
        )
    return None


class InvoiceRowBehaviour(Behaviour):
    @override
    def view(self, world: World, record: Record) -> Record:
        totals = row_totals(record)
        view = dict(record)
        view["netAmount"] = totals.net
        view["vatAmount"] = totals.vat
        view["grossAmount"] = totals.gross
        view["invoiceChildrenRows"] = [
            INVOICE_ROWS.iri(child["id"])
            for child in world.related("invoice-rows", "parentInvoiceRow", INVOICE_ROWS.iri(record["id"]))
        ]
        return view

    @override
    def prepare_create(self, world: World, record: Record, body: dict[str, Any]) -> list[Violation]:
        if record.get("netDiscountAmount") is None:
            record["netDiscountAmount"] = Decimal("0.00")
        if not record.get("invoice"):
            return [Violation("invoice", "This value should not be blank.")]
        frozen = _frozen(world, _invoice_of(world, record))
        return [Violation("invoice", frozen)] if frozen else []

    @override
    def prepare_update(self, world: World, current: Record, merged: Record, changes: dict[str, Any]) -> list[Violation]:
        found: list[Violation] = []
        if merged.get("netDiscountAmount") is None:
            merged["netDiscountAmount"] = Decimal("0.00")
        for invoice in {id(i): i for i in (_invoice_of(world, current), _invoice_of(world, merged)) if i}.values():
            frozen = _frozen(world, invoice)
            if frozen and any(changes.get(k) != current.get(k) for k in changes):
                found.append(Violation(next(iter(changes), "invoice"), frozen))
        return found

    @override
    def before_delete(self, world: World, record: Record) -> None:
        frozen = _frozen(world, _invoice_of(world, record))
        if frozen:
            raise ApiError(409, frozen)
