"""Business rules per family, as behaviours the generic handlers call."""

from __future__ import annotations

from flowtly_mcp.sandbox.behaviour import Behaviour
from flowtly_mcp.sandbox.resources import RESOURCES


def behaviours() -> dict[str, Behaviour]:
    """One behaviour per family: the family's rules where it has any, plain CRUD otherwise."""
    from flowtly_mcp.sandbox.rules.clients import ClientBehaviour
    from flowtly_mcp.sandbox.rules.invoice_rows import InvoiceRowBehaviour
    from flowtly_mcp.sandbox.rules.invoices import InvoiceBehaviour
    from flowtly_mcp.sandbox.rules.payments_applied import InvoiceTransactionBehaviour
    from flowtly_mcp.sandbox.rules.records import (
        AttachmentBehaviour,
        BudgetBehaviour,
        BudgetGroupBehaviour,
        CounterpartyBehaviour,
        EInvoicingBehaviour,
        PaymentMethodBehaviour,
        TransactionBehaviour,
    )

    special: dict[str, type[Behaviour]] = {
        "invoices": InvoiceBehaviour,
        "invoice-rows": InvoiceRowBehaviour,
        "invoice-transactions": InvoiceTransactionBehaviour,
        "clients": ClientBehaviour,
        "transactions": TransactionBehaviour,
        "counterparties": CounterpartyBehaviour,
        "budgets": BudgetBehaviour,
        "budget-groups": BudgetGroupBehaviour,
        "transaction-attachments": AttachmentBehaviour,
        "payment-methods": PaymentMethodBehaviour,
        "e-invoicing": EInvoicingBehaviour,
    }
    return {family: special.get(family, Behaviour)(resource) for family, resource in RESOURCES.items()}
