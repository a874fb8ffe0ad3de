"""KSeF documents as files: FA(3) XML, PDF, PDF preview and UPO receipts, one at a time or zipped.

Files are saved under the download directory and described by path, size and SHA-256; only small XML is returned
inline, and only when asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from flowtly_mcp.api import Download
from flowtly_mcp.api import errors as api_errors
from flowtly_mcp.api.endpoints import EINVOICE_PDF as PDF
from flowtly_mcp.api.endpoints import EINVOICE_PREVIEW_PDF as PREVIEW_PDF
from flowtly_mcp.api.endpoints import EINVOICE_UPO as UPO
from flowtly_mcp.api.endpoints import EINVOICE_XML as XML
from flowtly_mcp.api.endpoints import EINVOICES_XML as MANY_XML
from flowtly_mcp.api.endpoints import INBOUND_EINVOICE_UPO as INBOUND_UPO
from flowtly_mcp.api.endpoints import INBOUND_EINVOICE_XML as INBOUND_XML
from flowtly_mcp.api.endpoints import INBOUND_EINVOICES_XML as MANY_INBOUND_XML
from flowtly_mcp.api.endpoints import Endpoint
from flowtly_mcp.models.common import InputModel, InvoiceRef, RefText
from flowtly_mcp.tools.kernel.errors import ToolInputError
from flowtly_mcp.tools.kernel.files import SavedFile, save_download
from flowtly_mcp.tools.kernel.references import ref_id, ref_ids
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.runtime import Invocation

MAX_ZIPPED = 100
INBOUND_FAMILY = "e-invoicing"

OutboundKind = Literal["xml", "pdf", "preview_pdf", "upo"]
InboundKind = Literal["xml", "upo"]

# kind → (endpoint, file suffix, resource name under flowtly://invoices/{id}/ or None)
_OUTBOUND: dict[str, tuple[Endpoint, str, str | None]] = {
    "xml": (XML, ".xml", "xml"),
    "pdf": (PDF, ".pdf", "pdf"),
    "preview_pdf": (PREVIEW_PDF, "-preview.pdf", None),
    "upo": (UPO, "-upo.xml", "upo"),
}
_INBOUND: dict[str, tuple[Endpoint, str]] = {"xml": (INBOUND_XML, ".xml"), "upo": (INBOUND_UPO, "-upo.xml")}
_INLINE_HELP = "Also return the text (XML and UPO only, up to 20 kB)"


class EInvoiceDownloadInput(InputModel):
    invoice: InvoiceRef
    kind: OutboundKind = Field(default="pdf", description="xml (FA(3)), pdf, preview_pdf (drafts too) or upo")
    inline: bool = Field(default=False, description=_INLINE_HELP)

    @model_validator(mode="after")
    def _inline_text_only(self) -> EInvoiceDownloadInput:
        if self.inline and self.kind in ("pdf", "preview_pdf"):
            raise ValueError("inline: a PDF is never returned inline; leave inline false and open the saved file")
        return self


class InboundDownloadInput(InputModel):
    id: RefText = Field(description="Inbound e-invoice id (from sync_inbound_einvoices)")
    kind: InboundKind = Field(default="xml", description="xml (FA(3)) or upo")
    inline: bool = Field(default=False, description=_INLINE_HELP)


class ZipDownloadInput(InputModel):
    ids: list[RefText] = Field(
        min_length=1, max_length=MAX_ZIPPED, description="Invoice ids (outbound) or inbound e-invoice ids"
    )
    direction: Literal["outbound", "inbound"] = Field(default="outbound", description="Sales or purchase invoices")


async def _fetch(inv: Invocation, path: str, missing: str, params: list[tuple[str, str]] | None = None) -> Download:
    """The file at `path`; a 404 is explained in the caller's terms, since the path names no single record."""
    try:
        return await inv.api.download("GET", path, params=params)
    except api_errors.NotFound:
        raise ToolInputError(f"Not found: {missing}.") from None


def _missing_outbound(invoice_id: str, kind: str) -> str:
    if kind == "upo":
        return (
            f"no UPO for invoice {invoice_id}: the invoice does not exist or was never sent to KSeF "
            "(the UPO exists once KSeF accepts it)"
        )
    return f"invoice {invoice_id} does not exist; list_invoices shows valid ids"


async def _download_einvoice(inv: Invocation, args: EInvoiceDownloadInput) -> SavedFile:
    invoice_id = ref_id(args.invoice, "invoices", "invoice")
    route, suffix, resource = _OUTBOUND[args.kind]
    download = await _fetch(inv, route.path(id=invoice_id), _missing_outbound(invoice_id, args.kind))
    return save_download(
        inv,
        download,
        stem=f"invoice-{invoice_id}",
        suffix=suffix,
        resource_uri=f"flowtly://invoices/{invoice_id}/{resource}" if resource else None,
        inline=args.inline,
    )


async def _download_inbound(inv: Invocation, args: InboundDownloadInput) -> SavedFile:
    record_id = ref_id(args.id, INBOUND_FAMILY, "id")
    route, suffix = _INBOUND[args.kind]
    missing = f"inbound e-invoice {record_id} does not exist; sync_inbound_einvoices lists valid ids"
    download = await _fetch(inv, route.path(id=record_id), missing)
    return save_download(
        inv, download, stem=f"inbound-einvoice-{record_id}", suffix=suffix, resource_uri=None, inline=args.inline
    )


async def _download_zip(inv: Invocation, args: ZipDownloadInput) -> SavedFile:
    outbound = args.direction == "outbound"
    ids = ref_ids(args.ids, "invoices" if outbound else INBOUND_FAMILY, "ids")
    route = MANY_XML if outbound else MANY_INBOUND_XML
    missing = f"at least one of {', '.join(ids)} does not exist as an {args.direction} e-invoice"
    download = await _fetch(inv, route.path(), missing, params=[("ids[]", i) for i in ids])
    digest = hashlib.sha256("|".join(ids).encode()).hexdigest()[:10]
    stem = f"einvoices-{args.direction}-{len(ids)}-{digest}"
    return save_download(inv, download, stem=stem, suffix=".zip", resource_uri=None, inline=False)


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="download_einvoice",
        title="Download e-invoice document",
        description="Save an invoice's FA(3) XML, PDF, PDF preview or KSeF UPO to a file; returns path and sha256.",
        toolset="ksef",
        risk=Risk.READ,
        operations=tuple(route.operation for route, _, _ in _OUTBOUND.values()),
        input_model=EInvoiceDownloadInput,
        output_model=SavedFile,
        handler=_download_einvoice,
    )
    yield ToolSpec(
        name="download_inbound_einvoice",
        title="Download inbound e-invoice",
        description="Save the FA(3) XML or UPO of a purchase invoice received through KSeF to a file.",
        toolset="ksef",
        risk=Risk.READ,
        operations=tuple(route.operation for route, _ in _INBOUND.values()),
        input_model=InboundDownloadInput,
        output_model=SavedFile,
        handler=_download_inbound,
    )
    yield ToolSpec(
        name="download_einvoices_xml",
        title="Download e-invoices as ZIP",
        description="Save the FA(3) XML of several sales (outbound) or purchase (inbound) e-invoices as one ZIP file.",
        toolset="ksef",
        risk=Risk.READ,
        operations=(MANY_XML.operation, MANY_INBOUND_XML.operation),
        input_model=ZipDownloadInput,
        output_model=SavedFile,
        handler=_download_zip,
    )
