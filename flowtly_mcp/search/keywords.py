"""Extra words per tool: how people ask for what a tool does when its name and description use other words.

Keyed by tool name (a test checks that every key names a registered tool). Words go through the same vocabulary as
queries, so English is enough where the vocabulary already knows the Polish synonyms; Polish appears only where a
phrase has no single English counterpart.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

TOOL_KEYWORDS: Mapping[str, str] = MappingProxyType(
    {
        # Receivables: the questions the workflows answer.
        "top_debtors": "who owes most debtor debt biggest largest balance outstanding ranking",
        "overdue_invoices": "overdue late unpaid past due outstanding days",
        "receivables_aging": "aging buckets how old open receivables outstanding 30 60 90 days",
        "client_statement": "statement balance ledger account history payments invoices client period rozrachunki",
        # Reconciliation.
        "reconcile_unmatched": "reconcile all bank transactions unmatched incoming payments period month batch",
        "reconcile_payment": "reconcile apply record payment to invoice settle allocation",
        "suggest_payment_matches": "which invoice does bank payment pay match suggestion transfer",
        "get_transaction_suggestions": "which invoice bank payment pays match",
        "apply_transaction_suggestion": "apply match suggestion payment",
        "list_transactions_needing_attention": "unassigned unmatched problems attention bank transactions",
        # KSeF.
        "send_invoice_to_ksef": "send submit invoice ksef einvoice upload government",
        "ksef_status": "ksef status number accepted rejected why error upo",
        "send_ksef_correction": "correction invoice ksef kor corrective",
        "send_einvoice_correction": "correction ksef kor raw",
        "sync_inbound_einvoices": "fetch pull download purchase invoices received ksef inbound",
        "download_einvoice": "download xml pdf upo einvoice file",
        "send_invoices_to_ksef_bulk": "many several invoices at once ksef bulk",
        # Duplicates.
        "find_duplicate_counterparties": "duplicate counterparties suppliers same nip iban name twice clean",
        "merge_counterparties": "merge duplicate counterparties combine clean",
        # Clients.
        "search_clients": "find client name nip vat city email",
        "list_client_documents": "client invoices corrections documents",
        "create_client_contact": "contact person client",
        # Transactions and attachments.
        "import_transactions": "import bank statement wyciąg lines upload csv",
        "export_transactions_mt940": "export bank statement mt940 file wyciąg",
        "upload_transaction_attachment": "upload receipt document scan purchase invoice attach",
        "search_transaction_attachments": "search find documents attachments supplier nip number",
        "get_attachment_suggestions": "which transaction document belongs match",
        "apply_attachment_suggestion": "attach document transaction suggested",
        "detach_attachment": "detach unlink document transaction",
        "export_transaction_attachments_zip": "download attachments documents zip",
        # Invoices.
        "send_invoice_to_client": "email invoice client send mail",
        "get_invoice_send_status": "emailed sent mail status invoice",
        "next_invoice_number": "next invoice number numbering",
        "create_payment_setup_intent": "add card sepa payment method",
        "list_payments": "subscription payments billing plan",
    }
)
