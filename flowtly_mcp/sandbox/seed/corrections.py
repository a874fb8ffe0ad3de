"""Correction invoices (KOR): fewer hours or licences than billed, refunded to the client by bank transfer."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from .dates import next_business_day
from .money import VAT_RATES
from .plans import InvoicePlan, RowPlan, Settlement
from .world import World

_REASONS = (
    "Korekta liczby godzin po rozliczeniu końcowym projektu.",
    "Zwrot niewykorzystanych licencji zgodnie z aneksem do umowy.",
    "Rabat posprzedażowy uzgodniony z klientem.",
    "Błędna ilość na fakturze pierwotnej.",
)


def plan_corrections(world: World) -> None:
    """A handful of paid invoices get a KOR that lowers a quantity; the difference goes back to the client."""
    rng = world.cfg.rng("corrections")
    earliest, latest = world.anchor - timedelta(days=420), world.anchor - timedelta(days=60)
    candidates = [
        p
        for p in world.invoices
        if p.is_receivable
        and not p.planted
        and not p.client.foreign
        and earliest <= p.issue <= latest
        and p.applied == p.gross
        and any(r.quantity >= 2 for r in p.rows)
    ]
    for original in rng.sample(candidates, min(len(candidates), world.cfg.scaled(4, minimum=3))):
        correction = _correction_of(rng, original)
        if correction is None:
            continue
        world.invoices.append(correction)
        refund_day = next_business_day(correction.issue + timedelta(days=rng.randint(3, 10)))
        if refund_day < world.anchor:
            world.settlements.append(
                Settlement(correction.client, refund_day, [(correction, correction.gross)], correction.gross, "refund")
            )
            correction.applied = correction.gross


def _correction_of(rng: random.Random, original: InvoicePlan) -> InvoicePlan | None:
    row = next(r for r in original.rows if r.quantity >= 2)
    for cut in range(min(5, int(row.quantity) - 1), 0, -1):
        quantity = -Decimal(cut)
        net = quantity * row.net_price
        # Keep clear of a half-grosz VAT: rounding negative ties is where implementations disagree.
        if (abs(net * VAT_RATES[row.vat_rate]) * 100) % 1 != Decimal("0.5"):
            break
    else:
        return None
    correction_row = RowPlan(
        product_name=row.product_name,
        unit=row.unit,
        quantity=quantity,
        net_price=row.net_price,
        discount=Decimal("0.00"),
        vat_rate=row.vat_rate,
        classification=row.classification,
        project_iri=row.project_iri,
        line=row.line,
        parent=row,
    )
    issue = next_business_day(original.issue + timedelta(days=rng.randint(10, 45)))
    return InvoicePlan(
        client=original.client,
        issue=issue,
        sale=original.sale,
        due=issue + timedelta(days=14),
        currency=original.currency,
        rate=original.rate,
        rows=[correction_row],
        status="sent",
        type="KOR",
        parent=original,
        correction_reason=rng.choice(_REASONS),
    )
