"""Invoice rules: totals from rows, the status lifecycle, payments applied, numbering and KSeF immutability.

Stored status is draft → issued → sent. On read it is refined from the payments applied and the sandbox's
today: `paid` (nothing left open), `overdue` (due date passed, something open), `partially_paid`. The amount
still open is `openAmount` (negative when the client paid too much); `overpaidAmount` shows that credit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from typing_extensions import override

from flowtly_mcp.sandbox import render
from flowtly_mcp.sandbox.behaviour import Behaviour
from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation
from flowtly_mcp.sandbox.money import ZERO, cents, invoice_totals, to_decimal
from flowtly_mcp.sandbox.resources import RESOURCES
from flowtly_mcp.sandbox.resources.billing import INVOICE_ROWS, INVOICES
from flowtly_mcp.sandbox.rules import ksef_state
from flowtly_mcp.sandbox.rules.numbering import next_invoice_name
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.validation import denormalize, normalize, parse_datetime, validate
from flowtly_mcp.sandbox.world import World

# Fields a KSeF-registered invoice can no longer change: only a correction invoice (KOR) may.
LOCKED_BY_KSEF = (
    "name",
    "type",
    "client",
    "tinType",
    "tinCountry",
    "tin",
    "currency",
    "conversionRate",
    "issueDate",
    "saleDate",
    "dueDate",
    "invoiceRows",
    "targetAmount",
    "targetAmountNet",
    "parent",
)
DEFAULT_DUE_DAYS = 14


def invoice_iri(record: Record) -> str:
    return INVOICES.iri(record["id"])


def as_date(value: Any) -> date | None:
    moment = parse_datetime(value) if isinstance(value, str) else None
    return moment.date() if moment else None


def midnight(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def rows_of(world: World, invoice: Record) -> list[Record]:
    return world.related("invoice-rows", "invoice", invoice_iri(invoice))


def payments_of(world: World, invoice: Record) -> list[Record]:
    return world.related("invoice-transactions", "invoice", invoice_iri(invoice))


def derived_status(stored: str | None, amount: Decimal, paid: Decimal, due: date | None, today: date) -> str:
    status = stored or "draft"
    if status == "draft" or amount <= 0:
        return status
    open_amount = amount - paid
    if open_amount <= 0:
        return "paid"
    if due is not None and due < today:
        return "overdue"
    if paid > 0:
        return "partially_paid"
    return status


class InvoiceBehaviour(Behaviour):
    @override
    def view(self, world: World, record: Record) -> Record:
        totals = invoice_totals(rows_of(world, record))
        paid = cents(sum((to_decimal(p.get("amount")) for p in payments_of(world, record)), ZERO))
        amount = totals.gross
        iri = invoice_iri(record)
        view = dict(record)
        view["amountNet"] = totals.net
        view["amount"] = amount
        view["paidAmount"] = paid
        view["openAmount"] = amount - paid
        view["overpaidAmount"] = max(paid - amount, ZERO) if amount > 0 else ZERO
        view["status"] = derived_status(record.get("status"), amount, paid, as_date(record.get("dueDate")), world.today)
        view["childrenInvoices"] = [INVOICES.iri(child["id"]) for child in world.related("invoices", "parent", iri)]
        outbound = ksef_state.outbound_record(world, record)
        view["eInvoicing"] = outbound["id"] if outbound else None
        return view

    @override
    def embed(self, world: World, view: Record, document: dict[str, Any]) -> None:
        rows = world.related("invoice-rows", "invoice", INVOICES.iri(view["id"]))
        document["invoiceRows"] = [
            render.item(INVOICE_ROWS, world.view("invoice-rows", row), embedded=True) for row in rows
        ]
        payments = world.related("invoice-transactions", "invoice", INVOICES.iri(view["id"]))
        document["invoiceTransactions"] = [
            render.item(RESOURCES["invoice-transactions"], payment, embedded=True) for payment in payments
        ]
        outbound_id = view.get("eInvoicing")
        outbound = world.find("e-invoicing", outbound_id) if outbound_id is not None else None
        document["eInvoicing"] = render.item(RESOURCES["e-invoicing"], outbound, embedded=True) if outbound else None

    @override
    def on_read(self, world: World, record: Record) -> Record:
        ksef_state.advance_for_invoice(world, record)
        return world.find("invoices", record["id"]) or record

    @override
    def prepare_create(self, world: World, record: Record, body: dict[str, Any]) -> list[Violation]:
        found: list[Violation] = []
        client = world.find("clients", _id_of(record.get("client"))) if record.get("client") else None
        record["type"] = record.get("type") or "VAT"
        record["status"] = record.get("status") or "draft"
        record["paymentMethod"] = record.get("paymentMethod") or "transfer"
        issue = as_date(record.get("issueDate")) or world.today
        record["issueDate"] = record.get("issueDate") or midnight(issue)
        record["saleDate"] = record.get("saleDate") or record["issueDate"]
        if not record.get("dueDate"):
            due_days = client.get("dueDays") if client and isinstance(client.get("dueDays"), int) else None
            record["dueDate"] = midnight(issue + timedelta(days=due_days if due_days is not None else DEFAULT_DUE_DAYS))
        if client is not None:
            currency_iri = str(client.get("currency") or "")
            record["currency"] = record.get("currency") or (currency_iri.rsplit("/", 1)[-1] or "PLN")
            if record.get("tinType") is None and record.get("tin") is None:
                record["tinType"] = client.get("tinType")
                record["tin"] = client.get("tin")
                record["tinCountry"] = client.get("tinCountry") or client.get("country")
        record["currency"] = record.get("currency") or "PLN"
        record["bankAccount"] = record.get("bankAccount") or world.organization().get("bankAccount")
        if not record.get("name"):
            record["name"] = next_invoice_name(world, issue, "KOR" if record["type"] == "KOR" else "FV")
        if record["status"] == "sent":
            found.append(Violation("status", "An invoice becomes sent through POST /invoices/{id}/send."))
        found += _date_order(record)
        found += _rows_violations(world, body.get("invoiceRows"))
        record.pop("invoiceRows", None)
        return found

    @override
    def after_create(self, world: World, record: Record, body: dict[str, Any]) -> None:
        for row_body in body.get("invoiceRows") or []:
            store_row(world, invoice_iri(record), row_body)

    @override
    def prepare_update(self, world: World, current: Record, merged: Record, changes: dict[str, Any]) -> list[Violation]:
        found: list[Violation] = []
        state = ksef_state.outbound_record(world, current)
        if state is not None and ksef_state.locks_invoice(state):
            found += [
                Violation(
                    name,
                    f"The invoice is registered in KSeF ({ksef_state.describe(state)}): {name} cannot change; "
                    "use a correction invoice.",
                )
                for name in LOCKED_BY_KSEF
                if name in changes and changes[name] != current.get(name)
            ]
        found += _status_change(current.get("status"), merged.get("status"), state)
        found += _date_order(merged)
        if "invoiceRows" in changes:
            found += _rows_violations(world, changes["invoiceRows"])
        merged.pop("invoiceRows", None)
        return found

    @override
    def after_update(self, world: World, before: Record, after: Record, body: dict[str, Any]) -> None:
        if "invoiceRows" in body and isinstance(body["invoiceRows"], list):
            for row in rows_of(world, after):
                world.store.delete("invoice-rows", row["id"])
            for row_body in body["invoiceRows"]:
                store_row(world, invoice_iri(after), row_body)

    @override
    def before_delete(self, world: World, record: Record) -> None:
        state = ksef_state.outbound_record(world, record)
        if state is not None and ksef_state.locks_invoice(state):
            raise ApiError(
                409,
                f'Invoice "{record.get("name")}" is registered in KSeF ({ksef_state.describe(state)}) and cannot be '
                "deleted; issue a correction invoice instead.",
            )

    @override
    def delete(self, world: World, record: Record) -> None:
        iri = invoice_iri(record)
        for family in ("invoice-rows", "invoice-transactions", "e-invoicing", "budget-invoices"):
            for dependent in list(world.related(family, "invoice", iri)):
                world.store.delete(family, dependent["id"])
        world.store.delete("invoices", record["id"])


def _id_of(iri: Any) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _date_order(record: Record) -> list[Violation]:
    issue, due = as_date(record.get("issueDate")), as_date(record.get("dueDate"))
    if issue and due and due < issue:
        return [Violation("dueDate", "The due date cannot be before the issue date.")]
    return []


def _status_change(before: Any, after: Any, state: Record | None) -> list[Violation]:
    if before == after or after is None:
        return []
    if after == "sent":
        return [Violation("status", "An invoice becomes sent through POST /invoices/{id}/send.")]
    if after == "draft" and (before == "sent" or (state is not None and ksef_state.locks_invoice(state))):
        return [Violation("status", "A sent or KSeF-registered invoice cannot go back to draft.")]
    return []


def _rows_violations(world: World, rows: Any) -> list[Violation]:
    """Check rows given inline in an invoice body; property paths name the row (`invoiceRows[1].netPrice`)."""
    if rows is None:
        return []
    if not isinstance(rows, list):
        return [Violation("invoiceRows", "This value should be of type array.")]
    found: list[Violation] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            found.append(Violation(f"invoiceRows[{index}]", "This value should be of type object."))
            continue
        try:
            validate(INVOICE_ROWS, {**_row_defaults(), **denormalize(world, INVOICE_ROWS, _without_invoice(row))})
        except ValidationFailed as failure:
            found += [
                Violation(f"invoiceRows[{index}].{v.property_path}", v.message, v.code) for v in failure.violations
            ]
    return found


def _without_invoice(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "invoice"}


def _row_defaults() -> Record:
    return {"netDiscountAmount": "0.00"}


def store_row(world: World, invoice: str, row_body: dict[str, Any]) -> Record:
    record: Record = {"id": None, **_row_defaults(), **denormalize(world, INVOICE_ROWS, _without_invoice(row_body))}
    record["invoice"] = invoice
    normalize(INVOICE_ROWS, record)
    record["id"] = world.store.next_id("invoice-rows", None)
    return world.store.insert("invoice-rows", record)
