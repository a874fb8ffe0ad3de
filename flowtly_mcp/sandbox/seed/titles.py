"""Transfer titles as clients actually write them: tidy, terse, Polish or English, sometimes split-payment."""

from __future__ import annotations

import random

from .money import comma_decimal
from .plans import InvoicePlan

_PL = (
    "Zapłata za fakturę {n}",
    "Faktura VAT {n}",
    "{n}",
    "Faktura nr {n}",
    "Płatność {n}",
    "Przelew do faktury {n}",
    "Opłata za {n}, dziękujemy",
    "zapłata {n}",
    "{n} {client}",
)
_EN = ("Invoice {n}", "Payment for invoice {n}", "INV {n}", "{n}")
_MPP_TEXT = ("Faktura", "Zaplata", "Usluga IT", "Licencja", "Hosting")


def _short(plan: InvoicePlan) -> str:
    return plan.client.name.split(" ")[0]


def single_title(rng: random.Random, plan: InvoicePlan) -> str:
    """A title naming one invoice."""
    template = rng.choice(_EN if plan.client.foreign else _PL)
    return template.format(n=plan.number, client=_short(plan))


def batch_title(rng: random.Random, plans: list[InvoicePlan]) -> str:
    """A title naming several invoices."""
    numbers = [p.number for p in plans]
    if plans[0].client.foreign:
        return "Invoices " + ", ".join(numbers)
    return rng.choice(("Faktury {}", "Zapłata za faktury: {}", "Płatność za {}")).format(", ".join(numbers))


def partial_title(rng: random.Random, plan: InvoicePlan) -> str:
    """A title for an instalment."""
    if plan.client.foreign:
        return f"Partial payment {plan.number}"
    return rng.choice(("Częściowa płatność {n}", "Rata 1 - {n}", "Zaliczka na poczet {n}")).format(n=plan.number)


def mpp_title(rng: random.Random, plan: InvoicePlan, seller_nip: str) -> str:
    """A split-payment title: `/VAT/{vat}/IDC/{seller NIP}/INV/{number}/TXT/{text}` (IDC names the supplier)."""
    return f"/VAT/{comma_decimal(plan.vat)}/IDC/{seller_nip}/INV/{plan.number}/TXT/{rng.choice(_MPP_TEXT)}"


def refund_title(correction: InvoicePlan) -> str:
    """The title of a refund after a correction invoice."""
    parent = correction.parent.number if correction.parent else ""
    return f"Zwrot różnicy - korekta {correction.number} do faktury {parent}"
