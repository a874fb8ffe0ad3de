"""The resource families of the Flowtly API and how their plain CRUD tools are shaped.

One declaration per family; `crud.py` turns these into list/get/create/update/delete tools for exactly the
operations `endpoints.json` documents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from flowtly_mcp.models import budgets, clients, counterparties, filters, invoices, payments, transactions
from flowtly_mcp.tools.invoices.derived import invoice_derived, transaction_derived
from flowtly_mcp.tools.invoices.idempotency import invoice_number_clash
from flowtly_mcp.tools.kernel.guards import Previewer
from flowtly_mcp.tools.payments.recording import create_payment_check


@dataclass(frozen=True)
class Family:
    path: str  # "invoice-rows"
    singular: str  # "invoice_row": get_invoice_row
    plural: str  # "invoice_rows": list_invoice_rows
    label: str  # "invoice row", in descriptions and messages
    toolset: str
    filters: type[BaseModel] = filters.NoFilters
    create: type[BaseModel] | None = None
    update: type[BaseModel] | None = None
    compact: tuple[str, ...] | None = None  # None: every field, compacted
    derive: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    int_ids: bool = False
    core_kinds: tuple[str, ...] = ()  # which of list/get/create/update/delete join the default surface
    # Asks for confirmation before a create that looks like a duplicate (returns None when it does not).
    create_check: Previewer | None = None


FAMILIES: tuple[Family, ...] = (
    Family(
        "invoices",
        "invoice",
        "invoices",
        "invoice",
        "invoices",
        filters=filters.InvoiceFilters,
        create=invoices.InvoiceCreate,
        update=invoices.InvoiceUpdate,
        compact=(
            "name",
            "client",
            "issueDate",
            "dueDate",
            "amount",
            "openAmount",
            "currency",
            "status",
            "ksefStatus",
            "ksefNumber",
        ),
        derive=invoice_derived,
        int_ids=True,
        core_kinds=("list", "get", "create"),
        create_check=invoice_number_clash,
    ),
    Family(
        "invoice-rows",
        "invoice_row",
        "invoice_rows",
        "invoice row",
        "invoices",
        filters=filters.InvoiceRowFilters,
        create=invoices.InvoiceRowCreate,
        update=invoices.InvoiceRowUpdate,
        compact=("invoice", "productName", "quantity", "unit", "netPrice", "vatRate"),
        int_ids=True,
    ),
    Family(
        "invoice-transactions",
        "invoice_transaction",
        "invoice_transactions",
        "payment applied to an invoice",
        "payments",
        filters=filters.InvoiceTransactionFilters,
        create=invoices.InvoiceTransactionCreate,
        update=invoices.InvoiceTransactionUpdate,
        compact=("invoice", "transaction", "amount", "date"),
        int_ids=True,
        # Recording a payment settles the invoice: it previews like reconcile_payment.
        create_check=create_payment_check,
    ),
    Family(
        "payment-methods",
        "payment_method",
        "payment_methods",
        "stored payment method",
        "payments",
        update=payments.PaymentMethodUpdate,
        compact=("type", "ccBrand", "ccLastDigits", "ccExpMonth", "ccExpYear", "deleted"),
    ),
    Family("payments", "payment", "payments", "subscription payment", "payments"),
    Family(
        "clients",
        "client",
        "clients",
        "client",
        "clients",
        filters=filters.ClientFilters,
        create=clients.ClientCreate,
        update=clients.ClientUpdate,
        compact=("name", "tin", "country", "currency", "status", "dueDays", "addressCity"),
        int_ids=True,
        core_kinds=("list", "get"),
    ),
    Family(
        "client-contacts",
        "client_contact",
        "client_contacts",
        "client contact",
        "clients",
        filters=filters.ClientChildFilters,
        create=clients.ClientContactCreate,
        update=clients.ClientContactUpdate,
        compact=("client", "type", "name", "email", "phone"),
        int_ids=True,
    ),
    Family(
        "client-notes",
        "client_note",
        "client_notes",
        "client note",
        "clients",
        filters=filters.ClientChildFilters,
        create=clients.ClientNoteCreate,
        update=clients.ClientNoteUpdate,
        compact=("client", "note", "updatedAt"),
    ),
    Family(
        "counterparties",
        "counterparty",
        "counterparties",
        "counterparty",
        "counterparties",
        filters=filters.CounterpartyFilters,
        create=counterparties.CounterpartyCreate,
        update=counterparties.CounterpartyUpdate,
        compact=("displayName", "tin", "client", "bankAccounts", "transactionsCount"),
        int_ids=True,
    ),
    Family(
        "transactions",
        "transaction",
        "transactions",
        "bank transaction",
        "transactions",
        filters=filters.TransactionFilters,
        create=transactions.TransactionCreate,
        update=transactions.TransactionUpdate,
        compact=(
            "execDate",
            "amount",
            "currency",
            "description",
            "bankAccount",
            "counterpartyId",
            "counterpartyName",
            "counterpartyTin",
        ),
        derive=transaction_derived,
    ),
    Family(
        "income-transactions",
        "income_transaction",
        "income_transactions",
        "income transaction",
        "transactions",
        filters=filters.TransactionChildFilters,
        create=transactions.IncomeTransactionCreate,
        update=transactions.IncomeTransactionUpdate,
    ),
    Family(
        "project-transactions",
        "project_transaction",
        "project_transactions",
        "project transaction",
        "transactions",
        filters=filters.TransactionChildFilters,
        create=transactions.ProjectTransactionCreate,
        update=transactions.ProjectTransactionUpdate,
    ),
    Family(
        "transaction-attachments",
        "transaction_attachment",
        "transaction_attachments",
        "transaction attachment",
        "transactions",
        filters=filters.TransactionChildFilters,
        create=transactions.TransactionAttachmentCreate,
        update=transactions.TransactionAttachmentUpdate,
        compact=("transaction", "fileName", "documentNumber", "supplierName", "amount", "currency", "status"),
    ),
    Family(
        "budgets",
        "budget",
        "budgets",
        "budget",
        "budgets",
        filters=filters.BudgetFilters,
        create=budgets.BudgetCreate,
        update=budgets.BudgetUpdate,
        compact=("name", "type", "granularity", "dateFrom", "dateTo", "amount", "currency"),
    ),
    Family(
        "budget-groups",
        "budget_group",
        "budget_groups",
        "budget group",
        "budgets",
        create=budgets.BudgetGroupCreate,
        update=budgets.BudgetGroupUpdate,
    ),
    Family(
        "budget-employees",
        "budget_employee",
        "budget_employees",
        "employee allocation of a budget",
        "budgets",
        filters=filters.BudgetChildFilters,
        create=budgets.BudgetEmployeeCreate,
    ),
    Family(
        "budget-contractors",
        "budget_contractor",
        "budget_contractors",
        "contractor allocation of a budget",
        "budgets",
        filters=filters.BudgetChildFilters,
        create=budgets.BudgetContractorCreate,
    ),
    Family(
        "budget-projects",
        "budget_project",
        "budget_projects",
        "project allocation of a budget",
        "budgets",
        filters=filters.BudgetChildFilters,
        create=budgets.BudgetProjectCreate,
    ),
    Family(
        "budget-invoices",
        "budget_invoice",
        "budget_invoices",
        "invoice charged to a budget",
        "budgets",
        filters=filters.BudgetChildFilters,
        create=budgets.BudgetInvoiceCreate,
    ),
    Family(
        "budget-transactions",
        "budget_transaction",
        "budget_transactions",
        "transaction charged to a budget",
        "budgets",
        filters=filters.BudgetChildFilters,
        create=budgets.BudgetTransactionCreate,
        update=budgets.BudgetTransactionUpdate,
    ),
)

BY_PATH: dict[str, Family] = {f.path: f for f in FAMILIES}
