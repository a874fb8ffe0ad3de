"""Recording a payment against an invoice previews like `reconcile_payment`: one effect, one guard.

`create_invoice_transaction` is the same POST `reconcile_payment` makes: it settles the invoice (stops reminders,
changes every receivables figure), and "mark every open invoice as paid" is exactly what a planted instruction asks
for. So the person always sees which invoice, whose, how much, and what stays open before it is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import GET_INVOICE
from flowtly_mcp.finance.money import ZERO, format_amount
from flowtly_mcp.finance.records import InvoiceView
from flowtly_mcp.models.invoices import InvoiceTransactionCreate
from flowtly_mcp.tools.kernel.errors import ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, state_digest
from flowtly_mcp.tools.kernel.naming import with_names
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.runtime import Invocation


async def payment_preview(
    inv: Invocation, invoice_ref: str | int, amount: Decimal, *, source: dict[str, Any]
) -> Preview:
    """What applying `amount` to the invoice does: open amount before and after, paid in full or not."""
    invoice_id = ref_id(invoice_ref, "invoices", "invoice")
    record = await inv.api.get(GET_INVOICE.path(id=invoice_id))
    try:
        invoice = InvoiceView.from_api(record)
    except ValueError as problem:
        raise ToolRefused(f"Not applied: invoice {invoice_id} cannot be read ({problem}).") from None
    currency = invoice.currency
    after = invoice.open - amount
    warnings = []
    if after <= 0:
        warnings.append(f"Invoice {invoice.number or invoice_id} is marked paid: reminders stop for it.")
    if after < 0:
        warnings.append(f"Over-payment: {format_amount(-after, currency)} more than the invoice's open amount.")
    details = {
        "invoice": invoice_id,
        "client": invoice.client_id,
        "amount": format_amount(amount, currency),
        "open_before": format_amount(invoice.open, currency),
        "open_after": format_amount(max(after, ZERO), currency),
        **source,
    }
    return Preview(
        action="Record a payment against an invoice",
        target=refs.iri("invoices", invoice_id),
        details=await with_names(inv, details),
        warnings=warnings,
        fingerprint=state_digest(invoice_id, str(invoice.open), len(invoice.payments), str(amount), source),
    )


async def create_payment_check(inv: Invocation, args: BaseModel) -> Preview | None:
    """The preview of `create_invoice_transaction`: always shown, like `reconcile_payment`'s."""
    # Declared for the invoice-transaction family's create tool, whose input is an InvoiceTransactionCreate.
    if not isinstance(args, InvoiceTransactionCreate):
        return None
    source: dict[str, Any] = {"date": args.date.isoformat()}
    if args.transaction is not None:
        source["transaction"] = ref_id(args.transaction, "transactions", "transaction")
    return await payment_preview(inv, args.invoice, args.amount, source=source)
