"""Reconciliation: matching bank payments to invoices, one payment or a batch."""
