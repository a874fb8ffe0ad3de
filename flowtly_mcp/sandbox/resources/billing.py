"""Billing families: invoices, their rows, payments applied to them, KSeF state, payment methods, payments."""

from __future__ import annotations

from flowtly_mcp.sandbox.resources.fields import (
    blob,
    boolean,
    choice,
    integer,
    moment,
    money_string,
    number,
    ref,
    refs,
    text,
)
from flowtly_mcp.sandbox.schema import Check, Filters, Resource

INVOICE_TYPES = ("VAT", "KOR", "ZAL", "ROZ", "UPR")
STORED_STATUSES = ("draft", "issued", "sent")
DERIVED_STATUSES = ("partially_paid", "paid", "overdue")
VAT_RATES = ("23", "22", "8", "7", "5", "4", "3", "0", "zw", "oo", "np")
TIN_TYPES = ("NIP", "VAT", "NONE")

INVOICES = Resource(
    family="invoices",
    entity="Invoice",
    description="Sales invoices. amountNet/amount are computed from the rows; status adds partially_paid, paid and "
    "overdue to the stored draft/issued/sent; paidAmount, openAmount and overpaidAmount show the payments applied.",
    fields=(
        text("name"),
        choice("type", *INVOICE_TYPES),
        ref("parent", "invoices"),
        refs("childrenInvoices", "invoices"),
        ref("client", "clients", required=True),
        choice("tinType", *TIN_TYPES),
        text("tinCountry", check=Check.COUNTRY),
        text("tin", check=Check.NIP),
        text("bankAccount", check=Check.IBAN),
        number("amountNet", writable=False),
        number("amount", writable=False),
        text("currency", check=Check.CURRENCY),
        number("conversionRate"),
        text("generatedPdfExternalId"),
        moment("issueDate"),
        moment("saleDate"),
        moment("dueDate"),
        number("targetAmount"),
        choice("paymentMethod", "transfer", "card", "cash"),
        boolean("paidInAdvance"),
        text("notes"),
        text("correctionReason"),
        blob("invoiceRows"),
        blob("eInvoicing", writable=False),
        blob("invoiceTransactions", writable=False),
        text("internalComment"),
        number("targetAmountNet"),
        choice("status", *STORED_STATUSES),
        number("paidAmount", writable=False),
        number("openAmount", writable=False),
        number("overpaidAmount", writable=False),
    ),
    filters=Filters(
        exact=("client", "status", "currency", "type", "tin", "parent"),
        partial=("name",),
        dates=("issueDate", "dueDate", "saleDate"),
        ranges=("amount", "amountNet", "openAmount"),
        order=("issueDate", "dueDate", "saleDate", "amount", "name", "id"),
        exists=("eInvoicing", "parent"),
    ),
)

INVOICE_ROWS = Resource(
    family="invoice-rows",
    entity="InvoiceRow",
    description="Invoice lines. netAmount, vatAmount and grossAmount are computed (rounded per row, half-up).",
    fields=(
        ref("invoice", "invoices"),
        text("classificationNumber"),
        text("unit", required=True),
        number("quantity", required=True),
        choice("vatRate", *VAT_RATES, required=True),
        money_string("netPrice", required=True),
        money_string("netDiscountAmount"),
        text("productName", required=True),
        ref("project", "projects"),
        ref("parentInvoiceRow", "invoice-rows"),
        refs("invoiceChildrenRows", "invoice-rows"),
        money_string("netAmount", writable=False),
        money_string("vatAmount", writable=False),
        money_string("grossAmount", writable=False),
    ),
    filters=Filters(
        exact=("invoice", "vatRate", "project"),
        partial=("productName",),
        order=("id", "productName"),
    ),
)

INVOICE_TRANSACTIONS = Resource(
    family="invoice-transactions",
    entity="InvoiceTransaction",
    description="A payment applied to an invoice, in the invoice's currency; it reduces the invoice's open amount.",
    fields=(
        ref("invoice", "invoices", required=True),
        ref("transaction", "transactions"),
        number("amount"),
        moment("date", required=True),
        moment("createdAt", writable=False),
        moment("updatedAt", writable=False),
    ),
    filters=Filters(
        exact=("invoice", "transaction"),
        dates=("date", "createdAt"),
        ranges=("amount",),
        order=("date", "amount", "id"),
    ),
)

E_INVOICING = Resource(
    family="e-invoicing",
    entity="InvoiceEInvoicing",
    description="The KSeF state of one invoice (outbound) or one purchase invoice received through KSeF (inbound).",
    fields=(
        ref("invoice", "invoices", writable=False),
        text("provider", writable=False),
        text("status", writable=False),
        integer("statusCode", writable=False),
        text("referenceNumber", writable=False),
        text("documentId", writable=False),
        moment("acquisitionTimestamp", writable=False),
        text("upoUrl", writable=False),
        text("verificationLink", writable=False),
        text("rejectionReason", writable=False),
        blob("providerPayload", writable=False),
        text("einvoicingNumber", writable=False),
        text("direction", writable=False),
        text("sellerName", writable=False),
        text("sellerTin", writable=False),
        text("invoiceNumber", writable=False),
        moment("issueDate", writable=False),
        number("amount", writable=False),
        text("currency", writable=False),
    ),
    filters=Filters(
        exact=("invoice", "status", "direction", "einvoicingNumber"),
        dates=("acquisitionTimestamp", "issueDate"),
        order=("id", "issueDate", "acquisitionTimestamp"),
    ),
)

PAYMENT_METHODS = Resource(
    family="payment-methods",
    entity="PaymentMethod",
    id_prefix="pm_",
    description="Stored payment methods of the organization. DELETE is a soft delete (deleted, deletedAt).",
    fields=(
        ref("organization", "organizations"),
        choice("type", "card", "sepa_debit"),
        text("ccBrand"),
        text("ccLastDigits"),
        integer("ccExpMonth", required=True, bounds=(1, 12)),
        integer("ccExpYear", required=True, bounds=(2000, 2100)),
        text("externalId"),
        moment("createdAt", writable=False),
        moment("updatedAt", writable=False),
        moment("deletedAt", writable=False),
        boolean("deleted"),
    ),
    filters=Filters(exact=("type", "deleted"), dates=("createdAt",), order=("createdAt", "id")),
)

PAYMENTS = Resource(
    family="payments",
    entity="Payment",
    id_prefix="pay_",
    description="Subscription payment history (read-only).",
    fields=(
        number("amount", writable=False),
        text("currency", writable=False),
        choice("status", "succeeded", "failed", "refunded", writable=False),
        ref("paymentMethod", "payment-methods", writable=False),
        text("description", writable=False),
        moment("createdAt", writable=False),
    ),
    filters=Filters(
        exact=("status", "paymentMethod", "currency"), dates=("createdAt",), order=("createdAt", "amount", "id")
    ),
)

BILLING = (INVOICES, INVOICE_ROWS, INVOICE_TRANSACTIONS, E_INVOICING, PAYMENT_METHODS, PAYMENTS)
