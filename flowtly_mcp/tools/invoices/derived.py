"""Fields a person needs that the API does not state directly, computed from what it does state."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flowtly_mcp.tools.kernel.shaping import decimal_or_none


def invoice_derived(record: Mapping[str, Any]) -> dict[str, Any]:
    """Open amount (gross minus payments applied) and the KSeF state, flattened."""
    out: dict[str, Any] = {}
    gross = decimal_or_none(record.get("amount"))
    payments = record.get("invoiceTransactions")
    if gross is not None and isinstance(payments, list):
        paid = sum(
            (decimal_or_none(p.get("amount")) or Decimal(0) for p in payments if isinstance(p, Mapping)),
            Decimal(0),
        )
        out["openAmount"] = gross - paid
    einvoicing = record.get("eInvoicing")
    if isinstance(einvoicing, Mapping):
        out["ksefStatus"] = einvoicing.get("status")
        out["ksefNumber"] = einvoicing.get("einvoicingNumber")
    return out
