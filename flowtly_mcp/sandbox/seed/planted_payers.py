"""Planted payments that carry no usable reference, and the decoys that look like them but must never be applied.

The matched kinds, many of each so an evaluation can measure them: a certain payer (its counterparty's NIP and
account belong to one client) paying exactly one of its open invoices by amount alone (`amount_only`), and a certain
payer paying two or three of its invoices in one transfer whose sum fits exactly one combination of its open
invoices, with or without the numbers in the title (`multi_invoice`). Some arrive in EUR on the EUR account.

The decoys: an amount that equals open invoices of two different clients, from a sender nobody knows
(`two_clients`); a certain payer and an exact amount, but the title names an invoice number of our series that
does not exist (`unknown_number`); an exact amount whose payer is known only by name (`name_only`); and a certain
payer whose payment is in another currency than the invoice it equals in figures (`other_currency`).

A transaction embeds its payer's counterparty record, so how a certain payer is identified is how that record holds
it: each payer of a matched kind gets one way, in turn by the index of its first case, never by chance: its NIP
alone, written `5273180297`, `527-318-02-97` or `PL5273180297`, its IBAN alone, with or without spaces, or both as
the client has them (foreign payers, whose tax numbers are no NIPs: IBAN alone, either way, or both). The label
records which (`PayerIdentifier`); decoys from a sender no record knows carry none.

Invoices are planned before numbering (`plan_payer_cases`); the transfers once numbers exist
(`plant_payer_transfers`). Amounts are nudged by a grosz until every case holds exactly as labelled, over all
open invoices of the finished ledger.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from itertools import combinations

from rapidfuzz.distance import OSA

from .dates import workday_before
from .identifiers import format_nip_dashed, random_iban
from .invoicing import new_invoice, product_named, product_row
from .money import CENT, ZERO
from .names import person_name
from .plans import BankLine, InvoicePlan, Party
from .rates import EurRates
from .truth import CaseKind, NoMatchReason, PayerIdentifier
from .world import PlantedTransfer, World, iri

_PRODUCTS = (
    "Usługi konsultingowe IT",
    "Pakiet godzin serwisowych",
    "Hosting aplikacji — pakiet Standard",
    "Wsparcie techniczne SLA — abonament",
    "Programowanie — rozwój aplikacji",
    "Analiza przedwdrożeniowa",
)
_PLAIN_TITLES_PL = (
    "Przelew",
    "Zapłata za usługi",
    "Płatność za fakturę",
    "Opłata za hosting i wsparcie",
    "Zapłata - dziękujemy za współpracę",
    "faktura za usługi IT",
)
_PLAIN_TITLES_EN = ("Payment", "Invoice payment", "Payment for services", "Settlement of invoice")
_GROUP_TITLES_PL = ("Płatność za faktury", "Zapłata za faktury z ostatnich miesięcy", "Rozliczenie faktur")
_GROUP_TITLES_EN = ("Payment for invoices", "Settlement of open invoices")
# How many of each, and in which currency: (kind, count, currency, invoices per transfer, numbers in the title).
_POSITIVE_AMOUNT = ((12, "PLN"), (4, "EUR"))
_POSITIVE_GROUPS = (
    (3, "PLN", 2, True),
    (3, "PLN", 3, True),
    (4, "PLN", 2, False),
    (3, "PLN", 3, False),
    (2, "EUR", 2, False),
    (1, "EUR", 3, False),
)
# Of the PLN amount-only payments, this many share their amount with an open invoice of another client.
_TWINNED = 4
_DECOYS = 4
_NUDGE_LIMIT = 2_000
# The ways a certain payer's counterparty record identifies it, handed out in this order (see the module doc).
_DOMESTIC_IDENTIFIERS = (
    PayerIdentifier.NIP_PLAIN,
    PayerIdentifier.NIP_DASHED,
    PayerIdentifier.NIP_PREFIXED,
    PayerIdentifier.IBAN_SPACED,
    PayerIdentifier.IBAN_COMPACT,
    PayerIdentifier.NIP_AND_IBAN,
)
_FOREIGN_IDENTIFIERS = (PayerIdentifier.IBAN_SPACED, PayerIdentifier.IBAN_COMPACT, PayerIdentifier.NIP_AND_IBAN)
_CERTAIN_KINDS = (CaseKind.AMOUNT_ONLY, CaseKind.MULTI_INVOICE)


@dataclass(eq=False)
class PayerCase:
    """One planted transfer: who pays (None: nobody can tell), what it pays, and how its title reads."""

    kind: CaseKind
    payer: Party | None
    invoices: list[InvoicePlan]
    currency: str
    description: str
    reason: NoMatchReason | None = None
    numbers_in_title: bool = False
    # Open invoices of other clients that carry the same amount on purpose.
    twins: list[InvoicePlan] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((plan.open_amount for plan in self.invoices), ZERO)


@dataclass
class PayerCases:
    """The cases planned before numbering, to be turned into bank lines afterwards."""

    cases: list[PayerCase]


def plan_payer_cases(world: World, rates: EurRates) -> PayerCases:
    """Create the invoices the cases pay or tempt with, then nudge amounts until each case holds."""
    planner = _Planner(world, rates)
    cases = planner.positives() + planner.decoys()
    _nudge_until_true(world, cases)
    return PayerCases(cases)


class _Planner:
    def __init__(self, world: World, rates: EurRates) -> None:
        self.world, self.rates = world, rates
        self.rng = world.cfg.rng("planted-payers")
        eligible = [c for c in world.clients if c.active and c.has_address and not c.exclusive]
        self.foreign_count = sum(1 for c in eligible if c.foreign)
        self.domestic = self._cycle([c for c in eligible if not c.foreign])
        self.foreign = self._cycle([c for c in eligible if c.foreign])

    def _cycle(self, parties: list[Party]) -> Iterator[Party]:
        order = sorted(parties, key=lambda party: party.client_id)
        self.rng.shuffle(order)
        while True:
            yield from order

    def _party(self, currency: str) -> Party:
        return next(self.foreign if currency == "EUR" else self.domestic)

    def invoice(self, client: Party, days_ago: int) -> InvoicePlan:
        product = product_named(self.rng.choice(_PRODUCTS))
        row = replace(product_row(self.rng, client, product, []), discount=ZERO, project_iri=None)
        plan = new_invoice(client, workday_before(self.world.anchor, days_ago), [row], self.rates)
        plan.due = plan.issue + timedelta(days=14)
        plan.planted, plan.status = True, "sent"
        self.world.invoices.append(plan)
        return plan

    def positives(self) -> list[PayerCase]:
        cases: list[PayerCase] = []
        for count, currency in _POSITIVE_AMOUNT:
            for _ in range(count):
                payer = self._party(currency)
                case = PayerCase(
                    CaseKind.AMOUNT_ONLY,
                    payer,
                    [self.invoice(payer, self.rng.randint(15, 70))],
                    currency,
                    "No reference; the payer's NIP and account are its own, and the amount equals exactly one of "
                    "its open invoices, with no combination of its others adding up to it.",
                )
                cases.append(case)
        for case in [c for c in cases if c.currency == "PLN"][:_TWINNED]:
            other = self._other_party(case.payer)
            twin = self.invoice(other, self.rng.randint(15, 70))
            twin.rows = [replace(row) for row in case.invoices[0].rows]
            twin.rows_changed()
            case.twins.append(twin)
            case.description += " Another client has an open invoice of the same amount: the payer decides."
        for count, currency, size, named in _POSITIVE_GROUPS:
            for _ in range(count):
                payer = self._party(currency)
                days = sorted(self.rng.sample(range(15, 80), size), reverse=True)
                cases.append(
                    PayerCase(
                        CaseKind.MULTI_INVOICE,
                        payer,
                        [self.invoice(payer, ago) for ago in days],
                        currency,
                        f"One transfer for {size} invoices of a certain payer, "
                        + ("their numbers in the title." if named else "no numbers; only their sum fits, one way."),
                        numbers_in_title=named,
                    )
                )
        return cases

    def _other_party(self, payer: Party | None) -> Party:
        while True:
            other = self._party("PLN")
            if other is not payer:
                return other

    def decoys(self) -> list[PayerCase]:
        cases: list[PayerCase] = []
        for position in range(_DECOYS):
            currency = "EUR" if position == 0 and self.foreign_count >= 2 else "PLN"
            first = self._party(currency)
            second = self._party(currency)
            while second is first:
                second = self._party(currency)
            tempting = self.invoice(first, self.rng.randint(15, 70))
            twin = self.invoice(second, self.rng.randint(15, 70))
            twin.rows = [replace(row) for row in tempting.rows]
            twin.rows_changed()
            cases.append(
                PayerCase(
                    CaseKind.TWO_CLIENTS,
                    None,
                    [tempting],
                    currency,
                    "From a sender no record knows; the amount equals open invoices of two different clients.",
                    NoMatchReason.AMBIGUOUS,
                    twins=[twin],
                )
            )
        for _ in range(_DECOYS):
            payer = self._party("PLN")
            cases.append(
                PayerCase(
                    CaseKind.UNKNOWN_NUMBER,
                    payer,
                    [self.invoice(payer, self.rng.randint(15, 70))],
                    "PLN",
                    "A certain payer and the exact amount of one of its invoices, but the title names an invoice "
                    "number of our series that does not exist.",
                    NoMatchReason.NO_SUCH_INVOICE,
                )
            )
        for _ in range(_DECOYS):
            payer = self._party("PLN")
            cases.append(
                PayerCase(
                    CaseKind.NAME_ONLY,
                    payer,
                    [self.invoice(payer, self.rng.randint(15, 70))],
                    "PLN",
                    "The amount equals one open invoice (of all), but the sender's only tie to the client is its "
                    "name, from an account nobody has on record.",
                    NoMatchReason.PAYER_UNCERTAIN,
                )
            )
        for position in range(_DECOYS):
            invoiced = "EUR" if position % 2 else "PLN"
            payer = self._party(invoiced)
            cases.append(
                PayerCase(
                    CaseKind.OTHER_CURRENCY,
                    payer,
                    [self.invoice(payer, self.rng.randint(15, 70))],
                    "PLN" if invoiced == "EUR" else "EUR",
                    f"A certain payer sends, in {'PLN' if invoiced == 'EUR' else 'EUR'}, the figure of one of its "
                    f"open {invoiced} invoices: another currency, with no rate that makes the amounts equal.",
                    NoMatchReason.NO_RATE,
                )
            )
        return cases


def _open_receivables(world: World) -> list[InvoicePlan]:
    return [plan for plan in world.invoices if plan.is_receivable and plan.open_amount > 0]


def _fits(amounts: list[Decimal], target: Decimal, limit: int = 2) -> list[tuple[int, ...]]:
    """Index tuples of 1, 2 or 3 amounts adding up to `target` (at most `limit`): brute force, for checking."""
    found: list[tuple[int, ...]] = []
    for size in (1, 2, 3):
        for combo in combinations(range(len(amounts)), size):
            if sum((amounts[i] for i in combo), ZERO) == target:
                found.append(combo)
                if len(found) >= limit:
                    return found
    return found


def _to_nudge(case: PayerCase, open_plans: list[InvoicePlan], everywhere: dict[Decimal, int]) -> InvoicePlan | None:
    """The invoice to change when the ledger around the case is not exactly as its label says, else None.

    Each of the case's invoices has an amount no other open invoice has (its twins apart), and the case's own
    condition holds: who else has the amount, and how the payer's open invoices fit it.
    """
    for position, plan in enumerate(case.invoices):
        shared = len(case.twins) if position == 0 else 0
        if everywhere.get(plan.open_amount, 0) != 1 + shared:
            return plan
    first = case.invoices[0]
    if case.kind is CaseKind.TWO_CLIENTS or (case.kind is CaseKind.OTHER_CURRENCY and case.currency == "PLN"):
        return None
    assert case.payer is not None
    own = [plan for plan in open_plans if plan.client is case.payer and plan.currency == first.currency]
    fits = _fits([plan.open_amount for plan in own], case.amount)
    if len(fits) != 1 or {id(own[i]) for i in fits[0]} != {id(plan) for plan in case.invoices}:
        return first
    if len(case.invoices) > 1 and everywhere.get(case.amount, 0) != 0:
        return first  # a group's sum must not be some other invoice's amount either
    return None


def _nudge_until_true(world: World, cases: list[PayerCase]) -> None:
    """Raise a grosz on the first invoice (and its twins) of the first case that does not hold, until all do.

    Every planted amount is also kept apart from the other open amounts, except where a case shares it on purpose.
    """
    for _ in range(_NUDGE_LIMIT):
        open_plans = _open_receivables(world)
        everywhere: dict[Decimal, int] = {}
        for plan in open_plans:
            everywhere[plan.open_amount] = everywhere.get(plan.open_amount, 0) + 1
        for plan in world.invoices:
            if plan.status == "draft":
                everywhere[plan.gross] = everywhere.get(plan.gross, 0) + 1
        nudges = ((case, _to_nudge(case, open_plans, everywhere)) for case in cases)
        failing = next(((case, plan) for case, plan in nudges if plan is not None), None)
        if failing is None:
            return
        case, plan = failing
        for changed in [plan, *(case.twins if plan is case.invoices[0] else [])]:
            first = changed.rows[0]
            changed.rows[0] = replace(first, net_price=first.net_price + CENT)
            changed.rows_changed()
    raise RuntimeError("planted payer cases: could not make every amount hold as labelled")


def plant_payer_transfers(world: World, planned: PayerCases) -> None:
    """The bank lines of the cases, each with its expected answer."""
    rng = world.cfg.rng("planted-payer-transfers")
    keys = {_number_key(plan.number) for plan in world.invoices if plan.number}
    identifiers = _vary_identifiers(world, planned.cases)
    for position, case in enumerate(planned.cases):
        days_ago = 1 + position % 9
        line = BankLine(
            day=workday_before(world.anchor, days_ago),
            amount=case.amount,
            currency=case.currency,
            account=world.me.account_for(case.currency),
            title=_title(case, rng, world, keys),
        )
        if case.kind in (CaseKind.TWO_CLIENTS, CaseKind.NAME_ONLY):
            line.name = case.payer.statement_name if case.payer else person_name(rng).upper()
            line.iban = random_iban(rng, "PL")
            line.tag = "unknown"
        else:
            assert case.payer is not None
            line.counterparty_iri, line.role = case.payer.counterparty_iri, "client"
            line.name, line.iban = case.payer.statement_name, case.payer.iban
        world.bank_lines.append(line)
        allocations = None
        if case.reason is None:
            ordered = sorted(case.invoices, key=lambda plan: (plan.due, plan.issue, plan.id))
            allocations = [(plan, plan.open_amount) for plan in ordered]
        identifier = identifiers.get(case.payer.client_id) if line.counterparty_iri and case.payer else None
        world.planted_transfers.append(
            PlantedTransfer(line, case.kind, allocations, case.reason, case.description, identifier)
        )


def _vary_identifiers(world: World, cases: list[PayerCase]) -> dict[int, PayerIdentifier]:
    """Give each payer of a matched kind one way of being identified, and rewrite its counterparty record so.

    Deterministic (the order of the cases, no random draws), so nothing else the seed generates moves. A payer met
    again (in another case, or in a decoy) keeps its way; the other certain payers keep both identifiers.
    """
    chosen: dict[int, PayerIdentifier] = {}
    handed = {False: 0, True: 0}
    records = {iri("counterparties", str(record["id"])): record for record in world.records["counterparties"]}
    for case in cases:
        if case.kind not in _CERTAIN_KINDS or case.payer is None or case.payer.client_id in chosen:
            continue
        foreign = case.payer.foreign
        ways = _FOREIGN_IDENTIFIERS if foreign else _DOMESTIC_IDENTIFIERS
        way = chosen[case.payer.client_id] = ways[handed[foreign] % len(ways)]
        handed[foreign] += 1
        records[case.payer.counterparty_iri].update(_identified(case.payer, way))
    for case in cases:
        if case.kind in _CERTAIN_KINDS or case.payer is None:
            continue
        chosen.setdefault(case.payer.client_id, PayerIdentifier.NIP_AND_IBAN)
    return chosen


def _identified(payer: Party, way: PayerIdentifier) -> dict[str, object]:
    """The counterparty fields that identify `payer` in one way: tax number (both fields) and bank accounts."""
    nip = {
        PayerIdentifier.NIP_PLAIN: payer.tin,
        PayerIdentifier.NIP_DASHED: format_nip_dashed(payer.tin) if payer.tin else None,
        PayerIdentifier.NIP_PREFIXED: f"PL{payer.tin}" if payer.tin else None,
        PayerIdentifier.NIP_AND_IBAN: payer.tin,
    }.get(way)
    accounts = {
        PayerIdentifier.IBAN_SPACED: [_spaced(payer.iban)],
        PayerIdentifier.IBAN_COMPACT: [payer.iban],
        PayerIdentifier.NIP_AND_IBAN: [payer.iban],
    }.get(way, [])
    return {"tin": nip, "clientTin": nip, "bankAccounts": accounts}


def _spaced(iban: str) -> str:
    """The IBAN in groups of four, as printed on paper and in most banks' exports."""
    compact = iban.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _title(case: PayerCase, rng: random.Random, world: World, keys: set[str]) -> str:
    english = case.currency == "EUR" or (case.payer is not None and case.payer.foreign)
    if case.kind is CaseKind.MULTI_INVOICE:
        if case.numbers_in_title:
            numbers = [plan.number for plan in case.invoices]
            return f"Zapłata za faktury {', '.join(numbers[:-1])} i {numbers[-1]}"
        return rng.choice(_GROUP_TITLES_EN if english else _GROUP_TITLES_PL)
    if case.kind is CaseKind.UNKNOWN_NUMBER:
        return f"Zapłata za fakturę {_missing_number(rng, world, keys)}"
    if case.kind is CaseKind.NAME_ONLY:
        assert case.payer is not None
        return f"{case.payer.name} - przelew"
    return rng.choice(_PLAIN_TITLES_EN if english else _PLAIN_TITLES_PL)


def _number_key(number: str) -> str:
    return "".join(ch for ch in number.casefold() if ch.isalnum())


def _missing_number(rng: random.Random, world: World, keys: set[str]) -> str:
    """A number of our series (`FV/YYYY/MM/NNNN`) at least two edits away from every invoice number there is."""
    month = world.anchor
    candidate = ""
    for _ in range(40):
        candidate = f"FV/{month.year}/{month.month:02d}/{rng.randint(9000, 9999):04d}"
        key = _number_key(candidate)
        if all(OSA.distance(key, other, score_cutoff=1) > 1 for other in keys):
            break
    keys.add(_number_key(candidate))
    return candidate
