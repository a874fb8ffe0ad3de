"""Invoices: sending to clients, the facts other tools read, derived amounts, duplicate-number checks."""
