"""Turn the numbered plans into dataset records: invoices, rows, invoice-transactions and bank transactions."""

from __future__ import annotations

import random

from .dates import at_midnight, at_time, previous_business_day
from .plans import BankLine, InvoicePlan, RowPlan
from .world import World, iri


def emit_invoices(world: World) -> None:
    """Invoices and their rows; amounts are left to the core, which sums them from the rows."""
    rng = world.cfg.rng("emit-invoices")
    children: dict[int, list[str]] = {}
    for plan in world.invoices:
        for row in plan.rows:
            if row.parent is not None:
                children.setdefault(id(row.parent), []).append(iri("invoice-rows", row.id))
    for plan in world.invoices:
        world.add("invoices", _invoice_record(world, rng, plan))
        for row in plan.rows:
            world.add("invoice-rows", _row_record(plan, row, children.get(id(row), [])))


def _invoice_record(world: World, rng: random.Random, plan: InvoicePlan) -> dict[str, object]:
    client = plan.client
    return {
        "id": plan.id,
        "name": plan.number,
        "type": plan.type,
        "parent": iri("invoices", plan.parent.id) if plan.parent else None,
        "client": client.iri,
        "tinType": client.tin_type,
        "tinCountry": client.country,
        "tin": client.tin,
        "bankAccount": world.me.account_for(plan.currency),
        "currency": plan.currency,
        "conversionRate": plan.rate,
        "issueDate": at_midnight(plan.issue),
        "saleDate": at_midnight(plan.sale or plan.issue),
        "dueDate": at_midnight(plan.due),
        "paymentMethod": plan.payment_method,
        "paidInAdvance": False,
        "notes": plan.notes,
        "correctionReason": plan.correction_reason,
        "internalComment": plan.internal_comment,
        "targetAmount": None,
        "targetAmountNet": None,
        "generatedPdfExternalId": None if plan.status == "draft" else f"pdf_{rng.getrandbits(64):016x}",
        "status": plan.status,
    }


def _row_record(plan: InvoicePlan, row: RowPlan, children: list[str]) -> dict[str, object]:
    return {
        "id": row.id,
        "invoice": iri("invoices", plan.id),
        "productName": row.product_name,
        "unit": row.unit,
        "quantity": row.quantity,
        "vatRate": row.vat_rate,
        "netPrice": row.net_price,
        "netDiscountAmount": row.discount,
        "classificationNumber": row.classification,
        "project": row.project_iri,
        "parentInvoiceRow": iri("invoice-rows", row.parent.id) if row.parent else None,
        "invoiceChildrenRows": children,
    }


def emit_invoice_transactions(world: World) -> None:
    """Payments applied to invoices, in the order they were booked."""
    rng = world.cfg.rng("emit-invoice-transactions")
    entries = sorted(world.settlements, key=lambda s: (s.day, s.line.order if s.line else 0))
    for settlement in entries:
        booked = at_time(settlement.day, rng.randint(9, 17), rng.randint(0, 59))
        for plan, amount in settlement.parts:
            world.add(
                "invoice-transactions",
                {
                    "id": world.next_id("invoice-transactions"),
                    "invoice": iri("invoices", plan.id),
                    "transaction": settlement.line.iri if settlement.line else None,
                    "amount": amount,
                    "date": at_midnight(settlement.day),
                    "createdAt": booked,
                    "updatedAt": booked,
                },
            )


def emit_transactions(world: World) -> None:
    """Bank lines as Flowtly transactions."""
    rng = world.cfg.rng("emit-transactions")
    for line in world.bank_lines:
        world.add("transactions", _transaction_record(rng, line))


def _transaction_record(rng: random.Random, line: BankLine) -> dict[str, object]:
    ordered = line.day
    if line.amount < 0 and rng.random() < 0.4:
        ordered = previous_business_day(line.day)
    connected = line.document.issue if line.document else line.day
    return {
        "id": line.id,
        "bankAccount": line.account,
        "counterparty": line.counterparty_iri,
        "counterpartyRole": line.role,
        "counterpartyName": line.name,
        "counterpartyAccount": line.iban,
        "description": line.title,
        "amount": line.amount,
        "currency": line.currency,
        "endingBalance": line.balance,
        "orderDate": at_midnight(ordered),
        "execDate": at_midnight(line.day),
        "relatedDate": None,
        "statementNumber": line.statement,
        "operationNumber": f"{line.day:%Y%m%d}{line.statement:04d}{line.order:06d}",
        "ignored": 1 if line.ignored else 0,
        "note": line.note,
        "employeeOwner": line.owner,
        "cost": None,
        "connectedMonth": f"{connected:%Y-%m}",
    }
