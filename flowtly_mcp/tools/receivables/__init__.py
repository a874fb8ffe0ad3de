"""Receivables: who owes what, aging, statements."""
