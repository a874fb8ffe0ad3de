"""Fields a person needs that the API does not state directly, computed from what it does state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowtly_mcp.finance.wire import iri_id
from flowtly_mcp.tools.kernel.shaping import decimal_or_none


def invoice_derived(record: Mapping[str, Any]) -> dict[str, Any]:
    """Open amount (gross minus the payments applied, from the published invoiceTransactions) and the KSeF state.

    The open amount is left out (unknown) when a payment came as a bare IRI: its amount is not known here.
    """
    out: dict[str, Any] = {}
    gross = decimal_or_none(record.get("amount"))
    payments = record.get("invoiceTransactions")
    if gross is not None and isinstance(payments, list):
        # Runs for every record of every invoice page: one pass, no generator.
        open_amount = gross
        for payment in payments:
            if not isinstance(payment, Mapping):
                break
            paid = decimal_or_none(payment.get("amount"))
            if paid is not None:
                open_amount -= paid
        else:
            out["openAmount"] = open_amount
    einvoicing = record.get("eInvoicing")
    if isinstance(einvoicing, Mapping):
        out["ksefStatus"] = einvoicing.get("status")
        out["ksefNumber"] = einvoicing.get("einvoicingNumber")
    return out


def transaction_derived(record: Mapping[str, Any]) -> dict[str, Any]:
    """The counterparty's id, name and tax number, from the counterparty object the published schema embeds."""
    counterparty = record.get("counterparty")
    if isinstance(counterparty, Mapping):
        return {
            "counterpartyId": counterparty.get("id") or iri_id(counterparty.get("@id")),
            "counterpartyName": counterparty.get("displayName"),
            "counterpartyTin": counterparty.get("tin")
            or counterparty.get("clientTin")
            or counterparty.get("supplierTin"),
        }
    return {"counterpartyId": iri_id(counterparty)} if isinstance(counterparty, str) else {}
