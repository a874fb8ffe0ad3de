"""Payments applied to invoices and stored payment methods."""
