"""Bank statements of the demo firm's PLN and EUR accounts.

Client payments come from the settlements; costs are suppliers' monthly bills, contractors, payroll, social
security and taxes, and bank fees; a few lines (own-account currency exchange, a duplicated import) are ignored.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from .dates import add_months, month_start, next_business_day, previous_business_day
from .identifiers import random_pl_iban
from .invoicing import invoicing_window
from .money import CENT, ZERO, cents
from .plans import BankLine, Supplier, SupplierDocument
from .titles import batch_title, mpp_title, partial_title, refund_title, single_title
from .world import World

_ZUS_BANK = "600"
# Tax offices bank with the central bank (NBP, bank number 101).
_NBP_BANK = "101"
_ZUS = "ZAKŁAD UBEZPIECZEŃ SPOŁECZNYCH"
TAX_OFFICE = "DRUGI MAZOWIECKI URZĄD SKARBOWY W WARSZAWIE"
_OPENING_BALANCE_PLN = Decimal("900000.00")
_OPENING_BALANCE_EUR = Decimal("15000.00")


def tax_office_iban(world: World) -> str:
    """The tax office's account: taxes go out to it and refunds come in from it."""
    return random_pl_iban(world.cfg.rng("tax-account"), _NBP_BANK)


def book_client_payments(world: World) -> None:
    """One bank line per settlement (card payments have none; they settle through the card processor)."""
    rng = world.cfg.rng("client-payments")
    for settlement in world.settlements:
        if settlement.style == "card":
            continue
        first = settlement.parts[0][0]
        party = settlement.client
        if settlement.style == "batch":
            title = batch_title(rng, [plan for plan, _ in settlement.parts])
        elif settlement.style == "mpp":
            title = mpp_title(rng, first, world.me.nip)
        elif settlement.style == "partial":
            title = partial_title(rng, first)
        elif settlement.style == "refund":
            title = refund_title(first)
        else:
            title = single_title(rng, first)
        line = BankLine(
            day=settlement.day,
            amount=settlement.paid,
            currency=settlement.currency,
            account=world.me.account_for(settlement.currency),
            title=title,
            counterparty_iri=party.counterparty_iri,
            role="client",
            name=party.statement_name,
            iban=party.iban,
            applications=list(settlement.parts),
        )
        settlement.line = line
        world.bank_lines.append(line)


def book_costs(world: World) -> None:
    """Suppliers' and contractors' bills and their payments, payroll, social security, taxes and fees."""
    rng = world.cfg.rng("costs")
    first, last = invoicing_window(world)
    months: list[date] = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    counters: dict[int, int] = {}
    for supplier in world.suppliers + world.contractors:
        counters[supplier.counterparty_id] = rng.randint(40, 900)
    monthly_net = _average_monthly_net(world, len(months))
    for month in months:
        for supplier in world.suppliers + world.contractors:
            low, high = supplier.monthly_gross
            if high == 0 or (low == 0 and rng.random() > 0.3):
                continue
            _supplier_bill(world, rng, supplier, month, Decimal(rng.randint(max(low, 150), high)), counters)
    _occasional_planted_suppliers(world, rng, months, counters)
    vat_due = _vat_due_by_month(world)
    for month in months:
        _payroll_and_taxes(world, rng, month, monthly_net, vat_due)
        _fees(world, month)
    _ignored_lines(world, rng, months)


def _average_monthly_net(world: World, months: int) -> Decimal:
    total = sum((p.net * (p.rate or 1) for p in world.invoices if p.is_receivable), ZERO)
    return cents(total / months)


def _supplier_bill(
    world: World, rng: random.Random, supplier: Supplier, month: date, whole: Decimal, counters: dict[int, int]
) -> None:
    day = month + timedelta(days=0 if supplier.category == "rent" else rng.randint(0, 12))
    issue = next_business_day(day)
    if issue >= world.anchor:
        return
    counters[supplier.counterparty_id] += 1
    number = supplier.invoice_format.format(
        n=counters[supplier.counterparty_id], mm=f"{issue.month:02d}", yyyy=issue.year
    )
    gross = (
        whole
        if supplier.category in ("rent", "insurance", "leasing", "accounting")
        else whole + rng.randint(0, 99) * CENT
    )
    document = SupplierDocument(supplier, number, issue, gross.quantize(CENT), supplier.currency)
    world.supplier_documents.append(document)
    pay_day = next_business_day(issue + timedelta(days=rng.randint(5, 14)))
    if pay_day >= world.anchor:
        return
    if supplier.category == "rent":
        title = f"Czynsz najmu biura {issue.month:02d}/{issue.year} - {number}"
    elif supplier.category == "contractor":
        title = f"Faktura {number} - usługi programistyczne"
    else:
        title = rng.choice(("{n}", "Faktura {n}", "Zapłata za fakturę {n}", "Płatność {n}")).format(n=number)
    world.bank_lines.append(
        BankLine(
            day=pay_day,
            amount=-document.gross,
            currency=supplier.currency,
            account=world.me.account_for(supplier.currency),
            title=title,
            counterparty_iri=supplier.iri,
            role="supplier",
            name=supplier.name.upper(),
            iban=supplier.iban,
            tag=f"supplier:{supplier.category}",
            document=document,
            supplier=supplier,
            owner=rng.choice(world.employees[:4]),
        )
    )


def _occasional_planted_suppliers(
    world: World, rng: random.Random, months: list[date], counters: dict[int, int]
) -> None:
    """The planted duplicate and look-alike records each have a couple of payments, so a merge has work to do."""
    for supplier in world.suppliers:
        if supplier.monthly_gross != (0, 0):
            continue
        for month in rng.sample(months[:-1], 2):
            _supplier_bill(world, rng, supplier, month, Decimal(rng.randint(300, 3000)), counters)


def _tax_line(world: World, day: date, amount: Decimal, title: str, name: str, iban: str) -> None:
    world.bank_lines.append(
        BankLine(
            day=day,
            amount=-amount,
            currency="PLN",
            account=world.me.iban_pln,
            title=title,
            name=name,
            iban=iban,
            tag="tax",
        )
    )


def _payroll_and_taxes(
    world: World, rng: random.Random, month: date, monthly_net: Decimal, vat_due: dict[date, Decimal]
) -> None:
    """Salaries on the 10th, ZUS on the 15th, PIT-4 and VAT on the 20th and 25th, for the previous month."""
    previous = add_months(month, -1)
    period = f"{previous.month:02d}/{previous.year}"
    tax_period = f"{previous.year % 100:02d}M{previous.month:02d}"
    payroll = cents(monthly_net * Decimal(rng.randint(32, 36)) / 100)
    salary_day = next_business_day(month + timedelta(days=9))
    if salary_day < world.anchor:
        world.bank_lines.append(
            BankLine(
                day=salary_day,
                amount=-payroll,
                currency="PLN",
                account=world.me.iban_pln,
                title=f"Wynagrodzenia {period} - przelew zbiorczy",
                name="PRZELEW ZBIORCZY - LISTA PŁAC",
                tag="payroll",
            )
        )
    zus_iban = random_pl_iban(world.cfg.rng("zus-account"), _ZUS_BANK)
    tax_iban = tax_office_iban(world)
    nip = world.me.nip
    for day_of_month, amount, title, name, iban in (
        (15, cents(payroll * Decimal("0.38")), f"Składki ZUS za {period}", _ZUS, zus_iban),
        (20, cents(payroll * Decimal("0.11")), f"/TI/N{nip}/OKR/{tax_period}/SFP/PIT-4R/TXT/PIT {period}", TAX_OFFICE,
         tax_iban),
        (25, vat_due.get(previous, ZERO), f"/TI/N{nip}/OKR/{tax_period}/SFP/VAT-7/TXT/VAT {period}", TAX_OFFICE,
         tax_iban),
    ):  # fmt: skip
        day = next_business_day(month + timedelta(days=day_of_month - 1))
        if day < world.anchor and amount > 0:
            _tax_line(world, day, amount, title, name, iban)


def _vat_due_by_month(world: World) -> dict[date, Decimal]:
    """Output VAT of each month's PLN invoices less input VAT of its PLN supplier bills (a close estimate)."""
    due: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for plan in world.invoices:
        if plan.status != "draft" and plan.currency == "PLN":
            due[month_start(plan.issue)] += plan.vat
    for document in world.supplier_documents:
        if document.currency == "PLN":
            due[month_start(document.issue)] -= document.gross * Decimal(23) / Decimal(123)
    return {month: cents(amount) for month, amount in due.items()}


def _fees(world: World, month: date) -> None:
    day = previous_business_day(add_months(month, 1))
    if day >= world.anchor:
        return
    for currency, amount, title in (
        ("PLN", Decimal("49.00"), "Opłata za prowadzenie rachunku"),
        ("EUR", Decimal("5.00"), "Account maintenance fee"),
    ):
        world.bank_lines.append(
            BankLine(
                day=day,
                amount=-amount,
                currency=currency,
                account=world.me.account_for(currency),
                title=title,
                tag="fee",
            )
        )


def _ignored_lines(world: World, rng: random.Random, months: list[date]) -> None:
    """Currency exchange between own accounts (both legs) and one duplicated statement import."""
    for month in rng.sample(months[1:-1], 2):
        day = next_business_day(month + timedelta(days=rng.randint(3, 20)))
        eur = Decimal(rng.choice((2000, 3000, 5000)))
        pln = cents(eur * Decimal("4.29") + Decimal(rng.randint(-900, 900)) / 100)
        note = "Przewalutowanie między rachunkami własnymi"
        for amount, currency, account, other in (
            (-eur, "EUR", world.me.iban_eur, world.me.iban_pln),
            (pln, "PLN", world.me.iban_pln, world.me.iban_eur),
        ):
            world.bank_lines.append(
                BankLine(
                    day=day,
                    amount=amount,
                    currency=currency,
                    account=account,
                    title="Przelew własny - wymiana walut",
                    name=world.me.name.upper(),
                    iban=other,
                    ignored=True,
                    note=note,
                    tag="own",
                )
            )
    applied = [line for line in world.bank_lines if line.applications and line.amount > 0]
    original = applied[len(applied) // 2]
    world.bank_lines.append(
        BankLine(
            day=original.day,
            amount=original.amount,
            currency=original.currency,
            account=original.account,
            title=original.title,
            counterparty_iri=original.counterparty_iri,
            role=original.role,
            name=original.name,
            iban=original.iban,
            ignored=True,
            note="Duplikat importu wyciągu - pominięty",
            tag="duplicate",
        )
    )


def finalize_statements(world: World) -> None:
    """Put lines in date order (money in before money out), then give ids, statement numbers and balances."""
    for order, line in enumerate(world.bank_lines):
        line.order = order
    world.bank_lines.sort(key=lambda line: (line.day, line.amount < 0, line.order))
    balances = _opening_balances(world)
    statements: dict[str, int] = defaultdict(int)
    last_day: dict[str, date] = {}
    for index, line in enumerate(world.bank_lines, start=1):
        line.id = f"txn_{index}"
        if last_day.get(line.account) != line.day:
            statements[line.account] += 1
            last_day[line.account] = line.day
        balances[line.account] += line.amount
        line.statement = statements[line.account]
        line.balance = balances[line.account].quantize(CENT)


def _opening_balances(world: World) -> dict[str, Decimal]:
    """A round opening balance per account, high enough that the account never dips below a cushion.

    Costs run from the first day while the first receipts come weeks later, and a small ledger's months swing a
    lot; sizing the opening balance from the lines themselves keeps every seed and anchor solvent.
    """
    scale = Decimal(str(max(world.cfg.size, 1.0)))
    floors = {world.me.iban_pln: _OPENING_BALANCE_PLN * scale, world.me.iban_eur: _OPENING_BALANCE_EUR * scale}
    running = dict.fromkeys(floors, ZERO)
    lowest = dict.fromkeys(floors, ZERO)
    for line in world.bank_lines:
        running[line.account] += line.amount
        lowest[line.account] = min(lowest[line.account], running[line.account])
    openings = {}
    for account, floor in floors.items():
        needed = floor / 4 - lowest[account]
        openings[account] = max(floor, (needed / 10_000).to_integral_value(rounding=ROUND_CEILING) * 10_000)
    return openings
