"""Receivables tools: aging, overdue invoices, a client's statement with a running balance, and top debtors.

Aging, overdue and top debtors fold each page of invoices as it arrives (`streaming.py`: pages fetched
concurrently, with progress, never all held); the statement reads one client's invoices. `finance.aging` /
`finance.statement` do the arithmetic: exact Decimal, one currency at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import GET_CLIENT, LIST_CLIENTS, LIST_INVOICES
from flowtly_mcp.apps.mcp_apps import view_tool_meta
from flowtly_mcp.apps.receivables_view import RECEIVABLES_VIEW_URI
from flowtly_mcp.finance.aging import BUCKETS, AgingFold, AgingLine, DebtorsFold, OverdueFold
from flowtly_mcp.finance.allocation import as_of
from flowtly_mcp.finance.calendar import today_in_poland
from flowtly_mcp.finance.money import quantize, totals_by_currency
from flowtly_mcp.finance.records import ClientView, InvoiceView
from flowtly_mcp.finance.statement import client_statement
from flowtly_mcp.tools.kernel.loading import Listing, Progress, fetch_many, read_views
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shapes import dumped, dumped_all
from flowtly_mcp.tools.receivables import models as m
from flowtly_mcp.tools.receivables.streaming import fold_invoices

TOOLSET = "workflows"


class Books:
    """The invoices (as they stood on the report date) and client names one report needs."""

    def __init__(self, invoices: list[InvoiceView], names: dict[str, str], warnings: list[str]) -> None:
        self.invoices = invoices
        self.names = names
        self.warnings = warnings

    def name(self, client_id: str | None) -> str | None:
        return self.names.get(client_id) if client_id else None


async def load_books(inv: Invocation, day: date, *, client_id: str | None = None) -> Books:
    invoice_params = {"client": refs.iri("clients", client_id)} if client_id else None
    listings = {"invoices": Listing(LIST_INVOICES, invoice_params), "clients": Listing(LIST_CLIENTS)}
    records = await fetch_many(inv, listings, "reading invoices and clients", Progress(inv))
    warnings: list[str] = []
    invoices = read_views(records["invoices"], InvoiceView.from_api, warnings)
    clients = read_views(records["clients"], ClientView.from_api, warnings)
    if client_id is not None:
        # A server that ignores the client filter must not put other clients' invoices on the statement.
        invoices = [invoice for invoice in invoices if invoice.client_id == client_id]
    names = {client.id: client.name for client in clients if client.name}
    return Books(as_of(invoices, day), names, warnings)


def _line(line: AgingLine, name: str | None) -> m.AgingLineOut:
    return m.AgingLineOut(
        group=line.group,
        name=name,
        currency=line.currency,
        buckets={bucket: line.buckets[bucket] for bucket in BUCKETS},
        total=line.total,
        invoices=line.invoice_count,
        credits=line.credits,
    )


async def _aging(inv: Invocation, args: m.AgingInput) -> m.AgingOut:
    day = args.as_of or today_in_poland()
    fold = AgingFold(day, args.group_by, args.pln_equivalent)
    books = await fold_invoices(inv, day, [fold])
    report = fold.report()
    equivalent = None
    if report.base_equivalent is not None:
        base = report.base_equivalent
        equivalent = dumped(
            m.EquivalentOut(
                currency=base.currency,
                buckets={bucket: _display(base.buckets[bucket]) for bucket in BUCKETS},
                total=_display(base.total),
                missing_rate=list(base.missing_rate),
            )
        )
    return m.AgingOut(
        as_of=day,
        lines=dumped_all(
            _line(line, books.name(line.group) if args.group_by == "client" else None) for line in report.lines
        ),
        totals=dumped_all(_line(line, None) for line in report.totals.values()),
        pln_equivalent=equivalent,
        warnings=books.warnings,
    )


def _display(amount: Decimal) -> Decimal:
    # Converted amounts carry the rate's digits; they are estimates, shown to the grosz.
    return quantize(amount, "PLN")


async def _overdue(inv: Invocation, args: m.OverdueInput) -> m.OverdueOut:
    day = args.as_of or today_in_poland()
    client_id = ref_id(args.client, "clients", "client") if args.client is not None else None
    fold = OverdueFold(day, args.min_days, client_id)
    books = await fold_invoices(inv, day, [fold], client_id=client_id)
    items = fold.items()
    return m.OverdueOut(
        as_of=day,
        items=dumped_all(
            m.OverdueItemOut(
                invoice=item.invoice_id,
                number=item.number,
                client=item.client_id,
                client_name=books.name(item.client_id),
                currency=item.currency,
                open=item.open,
                due=item.due_date,
                days=item.days_overdue,
            )
            for item in items[: args.limit]
        ),
        count=len(items),
        totals=totals_by_currency((item.currency, item.open) for item in items),
        warnings=books.warnings,
    )


async def _statement(inv: Invocation, args: m.StatementInput) -> m.StatementOut:
    client_id = ref_id(args.client, "clients", "client")
    client = ClientView.from_api(await inv.api.get(GET_CLIENT.path(id=client_id)))
    books = await load_books(inv, args.date_to, client_id=client_id)
    statement = client_statement(books.invoices, None, client_id, args.date_from, args.date_to)
    return m.StatementOut(
        client=client_id,
        name=client.name,
        date_from=args.date_from,
        date_to=args.date_to,
        currencies=dumped_all(
            m.CurrencyStatementOut(
                currency=section.currency,
                opening=section.opening_balance,
                lines=[
                    m.StatementLineOut(
                        date=line.date,
                        kind=line.kind,
                        invoice=line.invoice_id,
                        ref=line.reference,
                        debit=line.debit,
                        credit=line.credit,
                        balance=line.balance,
                    )
                    for line in section.lines
                ],
                debit=section.total_debit,
                credit=section.total_credit,
                closing=section.closing_balance,
            )
            for section in statement.currencies.values()
        ),
        undated_payments=statement.undated_payments,
        warnings=books.warnings,
    )


async def _top_debtors(inv: Invocation, args: m.TopDebtorsInput) -> m.TopDebtorsOut:
    day = args.as_of or today_in_poland()
    fold = DebtorsFold(day)
    books = await fold_invoices(inv, day, [fold])
    ranked = fold.top(args.n)
    return m.TopDebtorsOut(
        as_of=day,
        currencies=dumped_all(
            m.CurrencyDebtorsOut(
                currency=currency,
                debtors=[
                    m.DebtorOut(
                        client=debtor.client_id,
                        name=books.name(debtor.client_id),
                        open=debtor.open_total,
                        overdue=debtor.overdue_total,
                        invoices=debtor.invoice_count,
                        oldest_days=debtor.oldest_days_overdue,
                    )
                    for debtor in debtors
                ],
            )
            for currency, debtors in ranked.items()
        ),
        warnings=books.warnings,
    )


def receivables_specs() -> Iterator[AnyToolSpec]:
    reads = (LIST_INVOICES.operation, LIST_CLIENTS.operation)
    yield ToolSpec(
        name="receivables_aging",
        title="Receivables aging",
        description="Open receivables by age bucket (current, 1-30 … 90+ days past due), per client or currency.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=reads,
        input_model=m.AgingInput,
        output_model=m.AgingOut,
        handler=_aging,
        extra_meta=view_tool_meta(RECEIVABLES_VIEW_URI),
    )
    yield ToolSpec(
        name="overdue_invoices",
        title="Overdue invoices",
        description="Invoices at least min_days past due, most overdue first, with totals per currency.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=reads,
        input_model=m.OverdueInput,
        output_model=m.OverdueOut,
        handler=_overdue,
    )
    yield ToolSpec(
        name="client_statement",
        title="Client statement",
        description="A client's invoices and payments over a period with opening, running and closing balance.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=(GET_CLIENT.operation, *reads),
        input_model=m.StatementInput,
        output_model=m.StatementOut,
        handler=_statement,
    )
    yield ToolSpec(
        name="top_debtors",
        title="Top debtors",
        description="The clients owing the most, per currency, with their overdue part.",
        toolset=TOOLSET,
        risk=Risk.READ,
        operations=reads,
        input_model=m.TopDebtorsInput,
        output_model=m.TopDebtorsOut,
        handler=_top_debtors,
        extra_meta=view_tool_meta(RECEIVABLES_VIEW_URI),
    )
