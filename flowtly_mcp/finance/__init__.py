"""Pure finance domain logic for Flowtly records: no I/O, no HTTP, no MCP; money is Decimal throughout.

- ``money``: exact amounts, per-currency rounding for display.
- ``identifiers``: NIP, EU VAT, IBAN, KSeF numbers, invoice-number normalisation.
- ``records``: tolerant adapters from API JSON to frozen views (invoices, transactions, counterparties, clients).
- ``mpp``: split-payment transfer titles.
- ``matching``: payment reconciliation (suggestions and batch plans).
- ``aging`` and ``statement``: receivables aging, overdue lists, top debtors, client statements.
- ``duplicates``: duplicate counterparties, survivor choice and merge preview.
- ``ksef``: checks before sending to KSeF, correction eligibility, rejection hints.
"""
