"""Bank transaction families: transactions, their income and project assignments, and attached documents."""

from __future__ import annotations

from flowtly_mcp.sandbox.resources.fields import (
    choice,
    flag,
    integer,
    moment,
    number,
    ref,
    refs,
    text,
)
from flowtly_mcp.sandbox.schema import Check, Field, Filters, Kind, Resource

TRANSACTIONS = Resource(
    family="transactions",
    entity="Transaction",
    id_prefix="txn_",
    description="Bank statement lines: amount > 0 is money in. transactionAttachments, budgetTransactions, "
    "projectTransactions, invoiceTransactions and problems (missing_attachment, over_applied) are computed.",
    fields=(
        text("bankAccount", check=Check.IBAN),
        ref("employeeOwner", "employees"),
        text("cost"),
        ref("counterparty", "counterparties"),
        choice("counterpartyRole", "client", "supplier"),
        text("counterpartyName"),
        text("counterpartyAccount", check=Check.IBAN),
        integer("statementNumber", bounds=(0, 1_000_000_000)),
        text("operationNumber"),
        text("description"),
        number("amount", required=True),
        text("currency", required=True, check=Check.CURRENCY),
        number("endingBalance"),
        moment("orderDate"),
        moment("execDate", required=True),
        moment("relatedDate"),
        flag("ignored"),
        text("note"),
        refs("transactionAttachments", "transaction-attachments"),
        refs("budgetTransactions", "budget-transactions"),
        refs("projectTransactions", "project-transactions"),
        refs("invoiceTransactions", "invoice-transactions"),
        text("connectedMonth"),
        Field("problems", Kind.STRING_LIST, writable=False, nullable=False),
    ),
    filters=Filters(
        exact=("counterparty", "currency", "counterpartyRole", "ignored", "bankAccount", "statementNumber"),
        partial=("description", "counterpartyName", "note"),
        dates=("execDate", "orderDate"),
        ranges=("amount",),
        order=("execDate", "orderDate", "amount", "id"),
        exists=("counterparty", "relatedDate"),
    ),
)

INCOME_TRANSACTIONS = Resource(
    family="income-transactions",
    entity="IncomeTransaction",
    id_prefix="itx_",
    fields=(
        ref("transaction", "transactions", required=True),
        ref("client", "clients"),
        number("amount", required=True),
        moment("date"),
        text("category"),
    ),
    filters=Filters(
        exact=("transaction", "client", "category"), dates=("date",), ranges=("amount",), order=("date", "id")
    ),
)

PROJECT_TRANSACTIONS = Resource(
    family="project-transactions",
    entity="ProjectTransaction",
    id_prefix="ptx_",
    description="A transaction (or a share of it, in percent) assigned to a project.",
    fields=(
        ref("transaction", "transactions", required=True),
        ref("project", "projects", required=True),
        number("amount"),
        number("share"),
    ),
    filters=Filters(exact=("transaction", "project"), ranges=("amount",), order=("amount", "id")),
)

TRANSACTION_ATTACHMENTS = Resource(
    family="transaction-attachments",
    entity="TransactionAttachment",
    id_prefix="tat_",
    description="Documents (receipts, purchase invoices) attached to transactions, or waiting to be matched.",
    fields=(
        ref("transaction", "transactions"),
        text("fileName", required=True),
        text("mimeType"),
        integer("size", writable=False),
        text("supplierName"),
        text("supplierTin", check=Check.NIP),
        text("documentNumber"),
        number("amount"),
        text("currency", check=Check.CURRENCY),
        moment("issueDate"),
        choice("status", "unmatched", "matched", writable=False),
    ),
    filters=Filters(
        exact=("transaction", "status", "supplierTin", "currency"),
        partial=("fileName", "supplierName", "documentNumber"),
        dates=("issueDate",),
        ranges=("amount",),
        order=("issueDate", "amount", "id"),
        exists=("transaction",),
    ),
)

TRANSACTION_FAMILIES = (TRANSACTIONS, INCOME_TRANSACTIONS, PROJECT_TRANSACTIONS, TRANSACTION_ATTACHMENTS)
