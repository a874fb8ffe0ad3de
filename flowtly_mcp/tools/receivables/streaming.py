"""Receivables over every invoice without holding them: each page is folded into the report as it arrives.

Pages come concurrently (`FlowtlyClient.each_page`) and are folded in the order they arrive, since every fold adds
up; each is read into invoice views as they stood on the report date, handed to the folds and dropped. The client
list (for names) is read beside it. Peak memory is then the pages in flight plus the aggregates, not the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

import anyio

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import LIST_CLIENTS, LIST_INVOICES
from flowtly_mcp.api.models import Page
from flowtly_mcp.finance.allocation import as_of
from flowtly_mcp.finance.records import ClientView, InvoiceView
from flowtly_mcp.tools.kernel.loading import MAX_WARNINGS, PageProgress, Progress, read_views
from flowtly_mcp.tools.kernel.runtime import Invocation


class Fold(Protocol):
    def add(self, invoices: Iterable[InvoiceView]) -> None: ...


class Streamed:
    """What a streamed read leaves besides the folds: client names and warnings about unreadable records."""

    def __init__(self, names: dict[str, str], warnings: list[str]) -> None:
        self.names = names
        self.warnings = warnings

    def name(self, client_id: str | None) -> str | None:
        return self.names.get(client_id) if client_id else None


async def fold_invoices(inv: Invocation, day: date, folds: Sequence[Fold], *, client_id: str | None = None) -> Streamed:
    """Fold every invoice (of `client_id` only, when given) into `folds`, page by page; read client names beside."""
    progress = PageProgress(Progress(inv), "reading invoices and clients", ("invoices", "clients"))
    invoice_params = {"client": refs.iri("clients", client_id)} if client_id else None
    warnings: list[str] = []
    problems: list[str] = []
    report = progress.callback("invoices")
    done = 0
    last: int | None = None
    names: dict[str, str] = {}

    async def fold_page(page: Page) -> None:
        nonlocal done, last
        views = _read_page(page.items, problems)
        if client_id is not None:
            # A server that ignores the client filter must not mix other clients' invoices in.
            views = [view for view in views if view.client_id == client_id]
        current = as_of(views, day)
        for fold in folds:
            fold.add(current)
        done += 1
        last = page.last_page if page.last_page is not None else last
        await report(done, last)

    async def read_invoices() -> None:
        # The folds add up, so pages are folded in the order they arrive, with requests kept in flight meanwhile.
        await inv.api.each_page(LIST_INVOICES.path(), fold_page, invoice_params)

    async def read_clients() -> None:
        records = await inv.api.fetch_all(LIST_CLIENTS.path(), on_progress=progress.callback("clients"))
        clients = read_views(records, ClientView.from_api, warnings)
        names.update((client.id, client.name) for client in clients if client.name)

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(read_invoices)
            group.start_soon(read_clients)
    except ExceptionGroup as failures:
        first = failures.exceptions[0]
        while isinstance(first, ExceptionGroup):
            first = first.exceptions[0]
        raise first.with_traceback(first.__traceback__) from None
    if problems:
        shown = "; ".join(problems[:MAX_WARNINGS])
        more = f" (and {len(problems) - MAX_WARNINGS} more)" if len(problems) > MAX_WARNINGS else ""
        warnings.insert(0, f"{len(problems)} records could not be read and were left out: {shown}{more}")
    return Streamed(names, warnings)


def _read_page(records: Iterable[dict[str, Any]], problems: list[str]) -> list[InvoiceView]:
    """A page's invoices; one that cannot be read is skipped and its problem kept for one warning at the end."""
    views: list[InvoiceView] = []
    for record in records:
        try:
            views.append(InvoiceView.for_receivables(record))
        except ValueError as problem:
            problems.append(str(problem))
    return views
