"""The invoices behind the planted cases: reconciliation targets, KSeF rejections, an unsent invoice.

Their clients are picked before the everyday ledger is drawn; amounts that must identify an invoice on their own
are made unique among all open receivables, at every size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from .dates import workday_before
from .invoicing import new_invoice, product_named, product_row
from .money import CENT, ZERO
from .plans import InvoicePlan, Party, RowPlan
from .rates import EurRates
from .truth import KsefState
from .world import World

# (product, quantity, net price); every first row has quantity 1 where an amount may need nudging to be unique.
_Rows = tuple[tuple[str, str, str], ...]
_MPP: _Rows = (("Wdrożenie modułu KSeF", "1", "14800.00"), ("Usługi konsultingowe IT", "24", "240.00"))
_EXACT: _Rows = (("Usługi konsultingowe IT", "36.5", "230.00"), ("Pakiet godzin serwisowych", "10", "180.00"))
_EXACT_PERSON: _Rows = (
    ("Hosting aplikacji — pakiet Standard", "1", "690.00"),
    ("Wsparcie techniczne SLA — abonament", "1", "1450.00"),
)
_TYPO_SEPARATORS: _Rows = (("Programowanie — rozwój aplikacji", "62", "210.00"),)
_TYPO_CASE: _Rows = (
    ("Licencja roczna WektorERP — stanowisko", "8", "1450.00"),
    ("Wsparcie techniczne SLA — abonament", "1", "1200.00"),
)
_TYPO_CHAR: _Rows = (("Analiza przedwdrożeniowa", "18.5", "260.00"),)
_AMOUNT_ONLY: _Rows = (
    ("Hosting aplikacji — pakiet Premium", "1", "2187.40"),
    ("Pakiet godzin serwisowych", "6", "175.00"),
)
_MULTI_TWO: tuple[_Rows, ...] = (
    (("Hosting aplikacji — pakiet Standard", "1", "820.00"),),
    (("Usługi konsultingowe IT", "12", "245.00"),),
)
_MULTI_THREE: tuple[_Rows, ...] = (
    (("Wsparcie techniczne SLA — abonament", "1", "1890.00"),),
    (("Programowanie — rozwój aplikacji", "27.5", "195.00"),),
    (("Licencja WektorBI — moduł raportowy", "1", "6400.00"), ("Pakiet godzin serwisowych", "4", "175.00")),
)
# A training event: one invoice carrying the 23%, exempt, 8% and 5% rates.
_PARTIAL: _Rows = (
    ("Szkolenie „Power BI w finansach” — uczestnik", "12", "1490.00"),
    ("Szkolenie zawodowe KSeF (dofinansowane, zw.)", "8", "950.00"),
    ("Catering podczas szkolenia", "20", "95.00"),
    ("Nocleg uczestników szkolenia", "6", "310.00"),
    ("Podręcznik „Finanse w praktyce” (wydanie drukowane)", "20", "89.00"),
)
_OVERPAYMENT: _Rows = (
    ("Pakiet godzin serwisowych", "14", "185.00"),
    ("Hosting aplikacji — pakiet Standard", "1", "540.00"),
)
_EUR: _Rows = (("Programowanie — rozwój aplikacji", "84", "52.00"), ("Usługi konsultingowe IT", "10", "61.50"))
_AMBIGUOUS: _Rows = (("Wsparcie techniczne SLA — abonament", "1", "2400.00"),)
_REJECTED_A: _Rows = (("Licencja roczna WektorERP — stanowisko", "3", "1390.00"),)
_UNSENT_A: _Rows = (("Hosting aplikacji — pakiet Standard", "1", "590.00"),)
_REJECTED_B: _Rows = (("Usługi konsultingowe IT", "16", "220.00"),)

REJECTION_REASON = (
    "Błąd weryfikacji semantyki dokumentu faktury: brak adresu nabywcy (Podmiot2/Adres). "
    "/ Invoice semantic validation failed: the buyer's address (Podmiot2/Adres) is missing."
)


@dataclass
class CaseClients:
    """Which client each planted case uses."""

    mpp: Party
    exact: Party
    exact_person: Party
    typo_separators: Party
    typo_case: Party
    typo_char: Party
    amount_only: Party
    multi_two: Party
    multi_three: Party
    partial: Party
    overpayment: Party
    ambiguous: Party
    eur: Party
    no_address: tuple[Party, Party]


@dataclass
class PlantedInvoices:
    """The invoices each planted case revolves around."""

    mpp: InvoicePlan
    exact: InvoicePlan
    exact_person: InvoicePlan
    typo_separators: InvoicePlan
    typo_case: InvoicePlan
    typo_char: InvoicePlan
    amount_only: InvoicePlan
    multi_two: list[InvoicePlan]
    multi_three: list[InvoicePlan]
    partial: InvoicePlan
    overpayment: InvoicePlan
    ambiguous: list[InvoicePlan]
    eur: InvoicePlan
    rejected: list[InvoicePlan]
    unsent_without_address: InvoicePlan


def reserve_case_clients(world: World) -> CaseClients:
    """Pick the clients before the everyday ledger is drawn, so the exclusive ones can be kept clean."""
    rng = world.cfg.rng("planted-clients")
    pool = [c for c in world.clients if c.country == "PL" and c.active and c.has_address]
    picks = iter(rng.sample(pool, 12))
    eur = rng.choice([c for c in world.clients if c.foreign and c.active])
    without_address = [c for c in world.clients if not c.has_address]
    cases = CaseClients(
        mpp=next(picks),
        exact=next(picks),
        exact_person=next(picks),
        typo_separators=next(picks),
        typo_case=next(picks),
        typo_char=next(picks),
        amount_only=next(picks),
        multi_two=next(picks),
        multi_three=next(picks),
        partial=next(picks),
        overpayment=next(picks),
        ambiguous=next(picks),
        eur=eur,
        no_address=(without_address[0], without_address[1]),
    )
    for party in (cases.amount_only, cases.multi_three, cases.ambiguous):
        party.exclusive = True
    return cases


def _invoice(world: World, rates: EurRates, client: Party, days_ago: int, rows: _Rows, due_days: int) -> InvoicePlan:
    rng = world.cfg.rng(f"planted-rows:{client.client_id}:{days_ago}")
    plan_rows: list[RowPlan] = []
    for name, quantity, price in rows:
        row = product_row(rng, client, product_named(name), [])
        fixed = replace(row, quantity=Decimal(quantity), net_price=Decimal(price), discount=ZERO, project_iri=None)
        plan_rows.append(fixed)
    plan = new_invoice(client, workday_before(world.anchor, days_ago), plan_rows, rates)
    plan.due = plan.issue + timedelta(days=due_days)
    plan.planted = True
    plan.status = "sent"
    world.invoices.append(plan)
    return plan


def plant_invoices(world: World, clients: CaseClients, rates: EurRates) -> PlantedInvoices:
    """Create the planted invoices; nudge the ones whose amount must be unique by a grosz until it is."""
    taken = {p.open_amount for p in world.invoices if p.is_receivable and p.open_amount > 0}
    taken |= {p.gross for p in world.invoices if p.status == "draft"}

    def inv(client: Party, days_ago: int, rows: _Rows, due_days: int = 14) -> InvoicePlan:
        return _invoice(world, rates, client, days_ago, rows, due_days)

    planted = PlantedInvoices(
        mpp=inv(clients.mpp, 40, _MPP, 30),
        exact=inv(clients.exact, 20, _EXACT),
        exact_person=inv(clients.exact_person, 35, _EXACT_PERSON, 30),
        typo_separators=inv(clients.typo_separators, 28, _TYPO_SEPARATORS),
        typo_case=inv(clients.typo_case, 50, _TYPO_CASE, 30),
        typo_char=inv(clients.typo_char, 15, _TYPO_CHAR),
        amount_only=inv(clients.amount_only, 33, _AMOUNT_ONLY, 30),
        multi_two=[inv(clients.multi_two, 45, _MULTI_TWO[0]), inv(clients.multi_two, 38, _MULTI_TWO[1])],
        multi_three=[inv(clients.multi_three, d, rows, 30) for d, rows in zip((70, 55, 41), _MULTI_THREE, strict=True)],
        partial=inv(clients.partial, 60, _PARTIAL, 30),
        overpayment=inv(clients.overpayment, 26, _OVERPAYMENT),
        ambiguous=[inv(clients.ambiguous, 62, _AMBIGUOUS), inv(clients.ambiguous, 31, _AMBIGUOUS)],
        eur=inv(clients.eur, 30, _EUR, 30),
        rejected=[inv(clients.no_address[0], 12, _REJECTED_A), inv(clients.no_address[1], 9, _REJECTED_B)],
        unsent_without_address=inv(clients.no_address[0], 2, _UNSENT_A),
    )
    for plan in planted.rejected:
        plan.status, plan.ksef = "issued", KsefState.REJECTED
    planted.unsent_without_address.status = "issued"
    planted.unsent_without_address.ksef = KsefState.NOT_SENT
    # Amounts that must point at their invoices alone: nudged by a grosz until no other open invoice has them.
    unique = [planted.amount_only, *planted.ambiguous, *planted.multi_three]
    taken |= {p.gross for p in world.invoices if p.planted and p not in unique}
    _nudge_until_unique([planted.amount_only], taken, lambda plans: (plans[0].gross,))
    taken.add(planted.amount_only.gross)
    _nudge_until_unique(planted.ambiguous, taken, lambda plans: (plans[0].gross,))
    taken.add(planted.ambiguous[0].gross)
    first, *rest = planted.multi_three
    for plan in rest:
        _nudge_until_unique([plan], taken, lambda plans: (plans[0].gross,))
        taken.add(plan.gross)
    _nudge_until_unique([first], taken, lambda plans: (plans[0].gross, plans[0].gross + sum_gross(rest)))
    return planted


def sum_gross(plans: list[InvoicePlan]) -> Decimal:
    """Total gross of several invoices."""
    return sum((p.gross for p in plans), ZERO)


def _nudge_until_unique(
    plans: list[InvoicePlan], taken: set[Decimal], amounts: Callable[[list[InvoicePlan]], tuple[Decimal, ...]]
) -> None:
    """Raise the first row's price by a grosz until none of `amounts` is taken."""
    while any(amount in taken for amount in amounts(plans)):
        for plan in plans:
            first = plan.rows[0]
            plan.rows[0] = replace(first, net_price=first.net_price + CENT)
            plan.rows_changed()
