"""Customer families: clients, their contacts and notes, and counterparties from bank statements."""

from __future__ import annotations

from flowtly_mcp.sandbox.resources.fields import (
    blob,
    boolean,
    choice,
    integer,
    moment,
    ref,
    refs,
    strings,
    text,
)
from flowtly_mcp.sandbox.schema import Check, Filters, Resource

CLIENTS = Resource(
    family="clients",
    entity="Client",
    description="Customers. tin is checked as a Polish NIP when tinType is NIP; clientContacts is computed.",
    fields=(
        text("country", required=True, check=Check.COUNTRY),
        ref("currency", "currencies", required=True),
        text("defaultCost"),
        choice("status", "active", "inactive", required=True),
        text("attributeSet"),
        text("name", required=True),
        integer("dueDays", bounds=(0, 3650)),
        choice("tinType", "NIP", "VAT", "NONE", required=True),
        text("tinCountry", check=Check.COUNTRY),
        text("tin", check=Check.NIP),
        text("vatNumber"),
        text("externalPaymentCustomerId"),
        text("invoiceComment"),
        text("defaultTaxRate"),
        choice("documentsLanguage", "pl", "en"),
        text("addressPhoneNumber"),
        text("addressCity"),
        text("addressPostCode"),
        text("addressStreetLine"),
        text("addressBuildingNumber"),
        text("addressLocaleNumber"),
        text("addressCountry", check=Check.COUNTRY),
        refs("clientContacts", "client-contacts"),
        blob("costGroup"),
        text("costGroupIcon"),
    ),
    filters=Filters(
        exact=("tin", "status", "country", "tinType", "currency", "vatNumber"),
        partial=("name", "addressCity"),
        order=("name", "id"),
    ),
)

CLIENT_CONTACTS = Resource(
    family="client-contacts",
    entity="ClientContact",
    fields=(
        ref("client", "clients", required=True),
        choice("type", "billing", "primary", "technical", required=True),
        integer("position", bounds=(0, 1_000_000)),
        text("email", required=True, check=Check.EMAIL),
        text("name", required=True),
        text("title"),
        text("phone"),
        moment("createdAt", writable=False),
        moment("updatedAt", writable=False),
    ),
    filters=Filters(exact=("client", "type"), partial=("name", "email"), order=("position", "name", "id")),
)

CLIENT_NOTES = Resource(
    family="client-notes",
    entity="ClientNote",
    id_prefix="cln_",
    fields=(
        ref("client", "clients", required=True),
        ref("employee", "employees", required=True),
        text("note", required=True),
        moment("updatedAt", writable=False),
    ),
    filters=Filters(exact=("client", "employee"), partial=("note",), dates=("updatedAt",), order=("updatedAt", "id")),
)

COUNTERPARTIES = Resource(
    family="counterparties",
    entity="Counterparty",
    description="Senders and recipients of bank transactions. Bank accounts are IBANs; Polish TINs are NIP-checked; "
    "transactionsCount is computed.",
    fields=(
        choice("type", "company", "person"),
        ref("supplier", "suppliers"),
        ref("client", "clients"),
        boolean("requireAttachment"),
        boolean("cyclic"),
        boolean("budgetNeutral"),
        text("logoUrl"),
        text("corporateWebsiteUrl"),
        ref("defaultProject", "projects"),
        strings("bankAccounts", check=Check.IBAN),
        integer("transactionsCount", writable=False),
        text("tin", check=Check.NIP),
        text("supplierTin", check=Check.NIP),
        text("clientTin", check=Check.NIP),
        text("displayName", required=True),
        blob("costGroup"),
        text("costGroupIcon"),
    ),
    filters=Filters(
        exact=("tin", "type", "client", "supplierTin", "clientTin"),
        partial=("displayName",),
        order=("displayName", "id"),
        exists=("client", "logoUrl"),
    ),
)

CLIENT_FAMILIES = (CLIENTS, CLIENT_CONTACTS, CLIENT_NOTES, COUNTERPARTIES)
