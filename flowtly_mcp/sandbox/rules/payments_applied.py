"""Invoice-transaction rules: a payment applied to an invoice reduces what is open; deleting it restores it."""

from __future__ import annotations

from typing import Any

from typing_extensions import override

from flowtly_mcp.sandbox.behaviour import Behaviour
from flowtly_mcp.sandbox.errors import Violation
from flowtly_mcp.sandbox.money import ZERO, to_decimal
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


class InvoiceTransactionBehaviour(Behaviour):
    @override
    def prepare_create(self, world: World, record: Record, body: dict[str, Any]) -> list[Violation]:
        if record.get("amount") is None and record.get("invoice"):
            record["amount"] = default_amount(world, record)
        if record.get("date") is None and record.get("transaction"):
            transaction = world.find("transactions", str(record["transaction"]).rsplit("/", 1)[-1])
            record["date"] = transaction.get("execDate") if transaction else None
        return []


def default_amount(world: World, record: Record) -> Any:
    """Without an amount, apply what is still open on the invoice, at most what the bank transaction brought."""
    invoice = world.find("invoices", str(record["invoice"]).rsplit("/", 1)[-1])
    if invoice is None:
        return None
    open_amount = max(to_decimal(world.view("invoices", invoice).get("openAmount")), ZERO)
    if record.get("transaction"):
        transaction = world.find("transactions", str(record["transaction"]).rsplit("/", 1)[-1])
        if transaction is not None:
            return min(open_amount, abs(to_decimal(transaction.get("amount"))))
    return open_amount
