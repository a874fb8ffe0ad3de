"""Client tools beyond CRUD: free-text search and a client's documents (its invoices)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from flowtly_mcp.api.endpoints import CLIENT_DOCUMENTS as DOCUMENTS
from flowtly_mcp.api.endpoints import SEARCH_CLIENTS as SEARCH
from flowtly_mcp.models.common import ClientRef
from flowtly_mcp.tools.families import BY_PATH
from flowtly_mcp.tools.kernel.params import ListControls
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import ListResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import shape_page

_CLIENTS = BY_PATH["clients"]
_INVOICES = BY_PATH["invoices"]


class SearchInput(ListControls):
    query: str = Field(min_length=1, max_length=200, description="Name, NIP, VAT number, city or contact e-mail")


class DocumentsInput(ListControls):
    client: ClientRef


async def _search(inv: Invocation, args: SearchInput) -> ListResult:
    page = await inv.api.list_slice(SEARCH.path(), [("q", args.query)], limit=args.limit, cursor=args.cursor)
    items = shape_page(page.items, view=args.view, fields=args.fields, compact_fields=_CLIENTS.compact)
    return ListResult.of(items, total=page.total, next_cursor=page.next_cursor)


async def _documents(inv: Invocation, args: DocumentsInput) -> ListResult:
    client_id = ref_id(args.client, "clients", "client")
    page = await inv.api.list_slice(DOCUMENTS.path(id=client_id), limit=args.limit, cursor=args.cursor)
    items = shape_page(
        page.items, view=args.view, fields=args.fields, compact_fields=_INVOICES.compact, derive=_INVOICES.derive
    )
    return ListResult.of(items, total=page.total, next_cursor=page.next_cursor)


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="search_clients",
        title="Search clients",
        description="Find clients by name, NIP, VAT number, city or a contact's e-mail.",
        toolset="clients",
        risk=Risk.READ,
        operations=(SEARCH.operation,),
        input_model=SearchInput,
        output_model=ListResult,
        handler=_search,
    )
    yield ToolSpec(
        name="list_client_documents",
        title="List client documents",
        description="List a client's documents (invoices and corrections), paginated.",
        toolset="clients",
        risk=Risk.READ,
        operations=(DOCUMENTS.operation,),
        input_model=DocumentsInput,
        output_model=ListResult,
        handler=_documents,
    )
