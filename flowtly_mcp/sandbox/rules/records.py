"""Rules of the families that only derive a few fields or cascade deletions: transactions, counterparties,
budgets, budget groups, attachments, payment methods and e-invoicing records."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from typing_extensions import override

from flowtly_mcp.sandbox.behaviour import Behaviour
from flowtly_mcp.sandbox.errors import Violation
from flowtly_mcp.sandbox.money import ZERO, to_decimal
from flowtly_mcp.sandbox.rules import ksef_state
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World


def _iris(world: World, family: str, field: str, iri: str) -> list[str]:
    return [f"/api/{family}/{record['id']}" for record in world.related(family, field, iri)]


class TransactionBehaviour(Behaviour):
    @override
    def view(self, world: World, record: Record) -> Record:
        iri = f"/api/transactions/{record['id']}"
        view = dict(record)
        view["transactionAttachments"] = _iris(world, "transaction-attachments", "transaction", iri)
        view["budgetTransactions"] = _iris(world, "budget-transactions", "transaction", iri)
        view["projectTransactions"] = _iris(world, "project-transactions", "transaction", iri)
        applied = world.related("invoice-transactions", "transaction", iri)
        view["invoiceTransactions"] = [f"/api/invoice-transactions/{r['id']}" for r in applied]
        view["problems"] = transaction_problems(world, record, view, applied)
        return view


def transaction_problems(world: World, record: Record, view: Record, applied: list[Record]) -> list[str]:
    problems: list[str] = []
    counterparty = world.find("counterparties", str(record.get("counterparty") or "").rsplit("/", 1)[-1])
    if counterparty and counterparty.get("requireAttachment") and not view["transactionAttachments"]:
        problems.append("missing_attachment")
    if sum((to_decimal(r.get("amount")) for r in applied), ZERO) > abs(to_decimal(record.get("amount"))):
        problems.append("over_applied")
    return problems


class CounterpartyBehaviour(Behaviour):
    @override
    def view(self, world: World, record: Record) -> Record:
        view = dict(record)
        view["transactionsCount"] = len(
            world.related("transactions", "counterparty", f"/api/counterparties/{record['id']}")
        )
        return view

    @override
    def delete(self, world: World, record: Record) -> None:
        """Bank lines keep their history without the counterparty; its budget allocations go with it."""
        iri = f"/api/counterparties/{record['id']}"
        for transaction in list(world.related("transactions", "counterparty", iri)):
            world.store.replace("transactions", dict(transaction, counterparty=None))
        for allocation in list(world.related("budget-contractors", "counterparty", iri)):
            world.store.delete("budget-contractors", allocation["id"])
        world.store.delete("counterparties", record["id"])


class BudgetBehaviour(Behaviour):
    @override
    def view(self, world: World, record: Record) -> Record:
        iri = f"/api/budgets/{record['id']}"
        view = dict(record)
        view["budgetEmployees"] = _iris(world, "budget-employees", "budget", iri)
        view["budgetProjects"] = _iris(world, "budget-projects", "budget", iri)
        return view

    @override
    def prepare_create(self, world: World, record: Record, body: dict[str, Any]) -> list[Violation]:
        record["type"] = record.get("type") or "global"
        record["granularity"] = record.get("granularity") or "month"
        return _window(record)

    @override
    def prepare_update(self, world: World, current: Record, merged: Record, changes: dict[str, Any]) -> list[Violation]:
        return _window(merged)

    @override
    def delete(self, world: World, record: Record) -> None:
        iri = f"/api/budgets/{record['id']}"
        for family in (
            "budget-employees",
            "budget-contractors",
            "budget-projects",
            "budget-invoices",
            "budget-transactions",
        ):
            for allocation in list(world.related(family, "budget", iri)):
                world.store.delete(family, allocation["id"])
        world.store.delete("budgets", record["id"])


def _window(record: Record) -> list[Violation]:
    start, end = record.get("dateFrom"), record.get("dateTo")
    if isinstance(start, str) and isinstance(end, str) and end[:10] < start[:10]:
        return [Violation("dateTo", "The end of the budget cannot be before its start.")]
    return []


class BudgetGroupBehaviour(Behaviour):
    @override
    def delete(self, world: World, record: Record) -> None:
        for budget in list(world.related("budgets", "budgetGroup", f"/api/budget-groups/{record['id']}")):
            world.store.replace("budgets", dict(budget, budgetGroup=None))
        world.store.delete("budget-groups", record["id"])


class AttachmentBehaviour(Behaviour):
    @override
    def prepare_create(self, world: World, record: Record, body: dict[str, Any]) -> list[Violation]:
        found: list[Violation] = []
        content = body.get("content")
        if content is not None:
            try:
                record["_content"] = base64.b64encode(base64.b64decode(str(content), validate=True)).decode()
            except (binascii.Error, ValueError):
                found.append(Violation("content", "This value is not valid base64."))
        record["size"] = len(base64.b64decode(record["_content"])) if record.get("_content") else 0
        record["mimeType"] = record.get("mimeType") or "application/octet-stream"
        record["status"] = "matched" if record.get("transaction") else "unmatched"
        return found

    @override
    def prepare_update(self, world: World, current: Record, merged: Record, changes: dict[str, Any]) -> list[Violation]:
        merged["status"] = "matched" if merged.get("transaction") else "unmatched"
        return []


class PaymentMethodBehaviour(Behaviour):
    @override
    def delete(self, world: World, record: Record) -> None:
        """A soft delete: the method stays listed as deleted, as the payment history refers to it."""
        stamp = world.timestamp()
        world.store.replace("payment-methods", dict(record, deleted=True, deletedAt=stamp, updatedAt=stamp))


class EInvoicingBehaviour(Behaviour):
    @override
    def on_read(self, world: World, record: Record) -> Record:
        return ksef_state.advance(world, record)
