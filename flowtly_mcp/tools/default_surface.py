"""The default tool list ("core"): chosen from the routing benchmark's evidence (tests/data/routing_benchmark.json).

`bench/suites/routing.py: propose_surface` picks, greedily, the tool answering the most benchmark requests not yet
answered, under 2,000 o200k tokens of name, description and input schema; tools that delete data stay with search.
`get_invoice` is added as the one lookup most conversations start from. Every other tool is one `search_tools` call
away: for every benchmark request, a listed tool answers it or search's first hit does
(tests/search/test_search_tool.py holds this). Re-run the routing bench section before changing this list.
"""

from __future__ import annotations

DEFAULT_SURFACE: tuple[str, ...] = (
    # Receivables: the questions the server exists to answer.
    "top_debtors",
    "overdue_invoices",
    "receivables_aging",
    "client_statement",
    # Reconciliation.
    "reconcile_unmatched",
    "suggest_payment_matches",
    "list_transactions_needing_attention",
    # KSeF.
    "send_invoice_to_ksef",
    "ksef_status",
    "send_ksef_correction",
    "queue_inbound_einvoices",
    # Counterparties and clients.
    "find_duplicate_counterparties",
    "list_counterparties",
    "search_clients",
    # Invoices and documents.
    "get_invoice",
    "send_invoice_to_client",
    "upload_transaction_attachment",
)
