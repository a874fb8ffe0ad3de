"""Counterparties: branding enrichment, and finding and merging duplicates."""
