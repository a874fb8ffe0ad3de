"""The demo firm's own Flowtly subscription: payment methods (an expired card, a card, a SEPA mandate) and payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .dates import add_months, at_time, month_start
from .invoicing import invoicing_window
from .world import World, iri

_BASIC = Decimal("453.87")  # 369.00 net + 23% VAT
_BUSINESS = Decimal("736.77")  # 599.00 net + 23% VAT


def emit_billing(world: World) -> None:
    """Three payment methods and one subscription payment a month (one declined card, then a retry)."""
    first, last = invoicing_window(world)
    org = world.me.iri
    expired_card = add_months(month_start(first), 3)
    switch_to_sepa = add_months(month_start(last), -5)
    methods = (
        ("pm_1", "card", "visa", "4821", 8, expired_card.year, add_months(first, -30), expired_card),
        ("pm_2", "card", "mastercard", "0375", 4, last.year + 3, expired_card, None),
        ("pm_3", "sepa_debit", None, world.me.iban_pln[-4:], None, None, switch_to_sepa, None),
    )
    for method_id, kind, brand, digits, exp_month, exp_year, created, deleted in methods:
        world.add(
            "payment-methods",
            {
                "id": method_id,
                "organization": org,
                "type": kind,
                "ccBrand": brand,
                "ccLastDigits": digits,
                "ccExpMonth": exp_month,
                "ccExpYear": exp_year,
                "externalId": f"{'card' if kind == 'card' else 'src'}_{method_id[3:]}{created:%Y%m%d}",
                "createdAt": at_time(created, 10, 12),
                "updatedAt": at_time(deleted or created, 10, 12),
                "deletedAt": at_time(deleted, 9, 0) if deleted else None,
                "deleted": deleted is not None,
            },
        )
    upgrade = add_months(month_start(last), -8)
    month = month_start(first)
    while month <= last:
        amount = _BUSINESS if month >= upgrade else _BASIC
        method = "pm_1" if month < expired_card else "pm_2" if month < switch_to_sepa else "pm_3"
        if month == expired_card:
            _payment(world, amount, "failed", "pm_1", month, 6, "card expired")
        _payment(world, amount, "succeeded", method, month, 7 if month == expired_card else 6, None)
        month = add_months(month, 1)


def _payment(world: World, amount: Decimal, status: str, method: str, month: date, hour: int, why: str | None) -> None:
    plan = "Business" if amount == _BUSINESS else "Basic"
    description = f"Flowtly {plan} — subskrypcja {month:%Y-%m}" + (f" ({why})" if why else "")
    world.add(
        "payments",
        {
            "id": f"pay_{world.next_id('payments')}",
            "amount": amount,
            "currency": "PLN",
            "status": status,
            "paymentMethod": iri("payment-methods", method),
            "description": description,
            "createdAt": at_time(month, hour, 0),
        },
    )
