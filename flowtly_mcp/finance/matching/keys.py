"""Comparison keys for tax identifiers during matching.

Matching asks "is this the same number?", not "is this number valid?": a NIP with a bad checksum that a payer
and our client record spell identically is still evidence, so it keeps a key here (deduplication is stricter).
"""

from __future__ import annotations

from functools import lru_cache

from ..identifiers import compact_nip, tax_key


# Batches repeat the same few thousand tax numbers across many invoices and payments; validating each spelling
# once keeps the checksum library out of the per-payment cost.
@lru_cache(maxsize=65_536)
def party_tax_key(value: str | None, country: str | None = None) -> str | None:
    """tax_key for valid identifiers; otherwise ``PL`` + digits for anything shaped like a 10-digit NIP."""
    key = tax_key(value, country)
    if key or not value:
        return key
    compact = compact_nip(value)
    if len(compact) == 10 and compact.isdigit() and (country or "PL").upper() == "PL":
        return "PL" + compact
    return None
