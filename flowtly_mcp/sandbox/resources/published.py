"""The fields Flowtly's documentation publishes for each entity (`shared/flowtly-api/SCHEMAS.md`, from the
`*.read` schema tables of the documentation snapshots), besides `@context`, `@id`, `@type` and `id`.

Families missing here have no published schema; they keep the sandbox's own minimal shape in every profile.
"""

from __future__ import annotations


def _fields(names: str) -> frozenset[str]:
    return frozenset(names.split())


PUBLISHED_FIELDS: dict[str, frozenset[str]] = {
    "invoices": _fields(
        "name type parent childrenInvoices client tinType tinCountry tin bankAccount amountNet amount currency "
        "conversionRate generatedPdfExternalId issueDate saleDate dueDate targetAmount paymentMethod paidInAdvance "
        "notes correctionReason invoiceRows eInvoicing invoiceTransactions internalComment targetAmountNet status"
    ),
    "invoice-rows": _fields(
        "classificationNumber unit quantity vatRate netPrice netDiscountAmount productName project "
        "parentInvoiceRow invoiceChildrenRows"
    ),
    "invoice-transactions": _fields("invoice transaction amount date createdAt updatedAt"),
    "e-invoicing": _fields(
        "provider status referenceNumber documentId acquisitionTimestamp upoUrl verificationLink rejectionReason "
        "providerPayload einvoicingNumber"
    ),
    "payment-methods": _fields(
        "organization type ccBrand ccLastDigits ccExpMonth ccExpYear externalId createdAt updatedAt deletedAt deleted"
    ),
    "budgets": _fields("name type granularity budgetGroup dateFrom dateTo config budgetEmployees"),
    "budget-transactions": _fields("budget transaction employee amount"),
    "transactions": _fields(
        "bankAccount employeeOwner cost counterparty counterpartyRole statementNumber operationNumber description "
        "amount endingBalance orderDate execDate relatedDate ignored note transactionAttachments "
        "budgetTransactions projectTransactions connectedMonth"
    ),
    "clients": _fields(
        "country currency defaultCost status attributeSet name dueDays tinType tinCountry tin "
        "externalPaymentCustomerId invoiceComment defaultTaxRate documentsLanguage addressPhoneNumber addressCity "
        "addressPostCode addressStreetLine addressBuildingNumber addressLocaleNumber addressCountry clientContacts "
        "costGroup costGroupIcon vatNumber"
    ),
    "client-contacts": _fields("type position email name title phone"),
    "client-notes": _fields("client employee note updatedAt"),
    "counterparties": _fields(
        "type supplier client requireAttachment cyclic budgetNeutral logoUrl corporateWebsiteUrl defaultProject "
        "bankAccounts transactionsCount tin supplierTin clientTin displayName costGroup costGroupIcon"
    ),
}

# Relations the published schema gives as embedded objects rather than IRIs (`counterparty object` on Transaction).
EMBEDDED_RELATIONS: dict[str, dict[str, str]] = {"transactions": {"counterparty": "counterparties"}}

# Embedded documents inside a published item, by field: each is cut to its own family's published fields.
NESTED_FAMILIES: dict[str, dict[str, str]] = {
    "invoices": {
        "invoiceRows": "invoice-rows",
        "invoiceTransactions": "invoice-transactions",
        "eInvoicing": "e-invoicing",
    }
}

LINKED_DATA_KEYS = frozenset(("@context", "@id", "@type", "id"))
