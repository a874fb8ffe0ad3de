"""Transaction attachment tools: upload, search, matching suggestions, applying them, and detaching a document."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
from pydantic import BaseModel, Field, field_validator, model_validator

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import APPLY_ATTACHMENT_SUGGESTION as APPLY_CHOSEN
from flowtly_mcp.api.endpoints import APPLY_BEST_ATTACHMENT_SUGGESTION as APPLY_BEST
from flowtly_mcp.api.endpoints import APPLY_SUPPLIER_SUGGESTION as APPLY_SUPPLIER
from flowtly_mcp.api.endpoints import ATTACHMENT_SUGGESTIONS as SUGGESTIONS
from flowtly_mcp.api.endpoints import ATTACHMENT_SUGGESTIONS_DEBUG as SUGGESTIONS_DEBUG
from flowtly_mcp.api.endpoints import DETACH_ATTACHMENT as DETACH
from flowtly_mcp.api.endpoints import GET_ATTACHMENT, GET_TRANSACTION
from flowtly_mcp.api.endpoints import SEARCH_ATTACHMENTS as SEARCH
from flowtly_mcp.api.endpoints import UPLOAD_ATTACHMENT as UPLOAD
from flowtly_mcp.finance.identifiers import is_valid_eu_vat, is_valid_nip
from flowtly_mcp.models.common import InputModel, Money, TransactionAttachmentRef, TransactionRef
from flowtly_mcp.tools.families import BY_PATH
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.guards import Preview, state_digest
from flowtly_mcp.tools.kernel.naming import with_names
from flowtly_mcp.tools.kernel.params import ListControls
from flowtly_mcp.tools.kernel.references import ref_id
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import ItemResult, ListResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_record, plain, shape_page
from flowtly_mcp.tools.transactions.upload_places import allowed_dirs, checked_path
from flowtly_mcp.tools.transactions.uploads import Document, from_base64, from_path

FAMILY = "transaction-attachments"
_ATTACHMENTS = BY_PATH[FAMILY]
SUGGESTION_FIELDS = ("transaction", "amount", "execDate", "description", "score", "reasons")
_DEBUG_FIELDS = (*SUGGESTION_FIELDS, "breakdown", "suggested")


class SearchInput(ListControls):
    query: str = Field(min_length=1, max_length=200, description="File name, supplier, document number or NIP")


class AttachmentInput(InputModel):
    attachment: TransactionAttachmentRef


class SuggestionsInput(AttachmentInput):
    debug: bool = Field(default=False, description="Every candidate with its score breakdown and the threshold")


class ApplyInput(AttachmentInput):
    suggestion: str | None = Field(
        default=None, min_length=1, max_length=100, description="Suggestion id; omit to apply the best one"
    )


class AttachmentSuggestions(BaseModel):
    items: list[dict[str, Any]]
    total: int | None
    scoring: dict[str, Any] | None = Field(default=None, description="Threshold and weights (debug only)")


class UploadInput(InputModel):
    file_path: str | None = Field(default=None, max_length=1000, description="Local PDF, image or XML file")
    content_base64: str | None = Field(default=None, description="The document as base64, instead of file_path")
    fileName: str | None = Field(default=None, max_length=255, description="Required with content_base64")
    transaction: TransactionRef | None = Field(default=None, description="Attach to this transaction at once")
    documentNumber: str | None = Field(default=None, max_length=100)
    supplierName: str | None = Field(default=None, max_length=255)
    supplierTin: str | None = Field(default=None, max_length=32, description="Supplier NIP or EU VAT number")
    amount: Money | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    issueDate: dt.date | None = None

    @field_validator("supplierTin")
    @classmethod
    def _tin(cls, value: str | None) -> str | None:
        if value is not None and not (is_valid_nip(value) or is_valid_eu_vat(value)):
            raise ValueError("not a valid NIP or EU VAT number (checksum)")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> UploadInput:
        if (self.file_path is None) == (self.content_base64 is None):
            raise ValueError("give exactly one of file_path and content_base64")
        if self.content_base64 is not None and not self.fileName:
            raise ValueError("fileName: required with content_base64")
        return self


_ATTACHMENT_FIELDS = ("id", *(_ATTACHMENTS.compact or ()))


def _attachment_item(record: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = plain(compact_record(record, keep=_ATTACHMENT_FIELDS))
    return item


async def _search(inv: Invocation, args: SearchInput) -> ListResult:
    page = await inv.api.list_slice(SEARCH.path(), [("q", args.query)], limit=args.limit, cursor=args.cursor)
    items = shape_page(page.items, view=args.view, fields=args.fields, compact_fields=_ATTACHMENTS.compact)
    return ListResult.of(items, total=page.total, next_cursor=page.next_cursor)


async def _suggestions(inv: Invocation, args: SuggestionsInput) -> AttachmentSuggestions:
    attachment_id = ref_id(args.attachment, FAMILY, "attachment")
    if args.debug:
        answer = await inv.api.get(SUGGESTIONS_DEBUG.path(id=attachment_id))
        candidates = [c for c in answer.get("candidates") or [] if isinstance(c, dict)]
        items = [plain(compact_record(c, keep=["id", *_DEBUG_FIELDS])) for c in candidates]
        scoring = plain({k: answer[k] for k in ("threshold", "weights") if k in answer})
        return AttachmentSuggestions(items=items, total=len(items), scoring=scoring)
    page = await inv.api.get_page(SUGGESTIONS.path(id=attachment_id))
    items = [plain(compact_record(r, keep=["id", *SUGGESTION_FIELDS])) for r in page.items]
    return AttachmentSuggestions(items=items, total=page.total if page.total is not None else len(items))


async def _apply(inv: Invocation, args: ApplyInput) -> ItemResult:
    attachment_id = ref_id(args.attachment, FAMILY, "attachment")
    if args.suggestion is None:
        path = APPLY_BEST.path(id=attachment_id)
    else:
        path = APPLY_CHOSEN.path(id=attachment_id, suggestionId=args.suggestion)
    return ItemResult(item=_attachment_item(await inv.api.post_action(path) or {}))


async def _preview_supplier(inv: Invocation, args: AttachmentInput) -> Preview | None:
    """Filling in a supplier runs at once; replacing one the document already names asks first (an overwrite)."""
    attachment_id = ref_id(args.attachment, FAMILY, "attachment")
    record = await inv.api.get(GET_ATTACHMENT.path(id=attachment_id))
    current = {k: record[k] for k in ("supplierName", "supplierTin") if record.get(k)}
    if not current:
        return None
    return Preview(
        action="Replace the document's supplier with the matching counterparty's",
        target=refs.iri(FAMILY, attachment_id),
        details={**_attachment_item(record), "overwritten": current},
        warnings=["The supplier name and NIP the document carries now are overwritten."],
        fingerprint=state_digest(record),
    )


async def _apply_supplier(inv: Invocation, args: AttachmentInput) -> ItemResult:
    attachment_id = ref_id(args.attachment, FAMILY, "attachment")
    answer = await inv.api.post_action(APPLY_SUPPLIER.path(id=attachment_id))
    return ItemResult(item=_attachment_item(answer or {}))


async def _preview_detach(inv: Invocation, args: AttachmentInput) -> Preview:
    attachment_id = ref_id(args.attachment, FAMILY, "attachment")
    record = await inv.api.get(GET_ATTACHMENT.path(id=attachment_id))
    transaction_ref = record.get("transaction")
    if not transaction_ref:
        raise ToolRefused(f"Nothing to detach: attachment {attachment_id} is not attached to a transaction.")
    transaction_id = ref_id(str(transaction_ref), "transactions", "transaction")
    transaction = await inv.api.get(GET_TRANSACTION.path(id=transaction_id))
    details = {
        "document": _attachment_item(record),
        "transaction": plain(compact_record(transaction, keep=["id", "execDate", "amount", "currency", "description"])),
    }
    return Preview(
        action="Detach document from its transaction",
        target=refs.iri(FAMILY, attachment_id),
        details=details,
        warnings=["The transaction loses this document (it may then count as missing an attachment)."],
        fingerprint=state_digest(details),
    )


async def _detach(inv: Invocation, args: AttachmentInput) -> ItemResult:
    attachment_id = ref_id(args.attachment, FAMILY, "attachment")
    return ItemResult(item=_attachment_item(await inv.api.post_action(DETACH.path(id=attachment_id)) or {}))


async def _document(inv: Invocation, args: UploadInput) -> tuple[Document, Path | None]:
    if args.file_path is not None:
        path = checked_path(args.file_path, await allowed_dirs(inv))
        document = await anyio.to_thread.run_sync(from_path, path, args.file_path)
        return Document(document.content, document.content_type, args.fileName or document.file_name), path
    if args.content_base64 is None or not args.fileName:  # the model's own check already refused this
        raise ToolInputError("content_base64 and fileName: give both, or file_path instead.")
    return from_base64(args.content_base64, args.fileName), None


async def _preview_upload(inv: Invocation, args: UploadInput) -> Preview:
    """What leaves for Flowtly: the resolved file (or given content), its size and type, and where it goes."""
    document, path = await _document(inv, args)
    details: dict[str, Any] = {
        "source": str(path) if path is not None else "content_base64 given in the call",
        "size": f"{len(document.content):,} bytes",
        "type": document.content_type,
        "fileName": document.file_name,
        "sha256": hashlib.sha256(document.content).hexdigest(),
    }
    if args.transaction is not None:
        details["transaction"] = ref_id(args.transaction, "transactions", "transaction")
    for name in ("documentNumber", "supplierName", "supplierTin", "amount", "currency", "issueDate"):
        if (value := getattr(args, name)) is not None:
            details[name] = str(value)
    return Preview(
        action="Upload a document to Flowtly",
        target=str(path) if path is not None else document.file_name,
        details=await with_names(inv, details),
        warnings=["The file's whole content is sent to Flowtly; check it is the document you mean."],
        fingerprint=state_digest(details),
    )


async def _upload(inv: Invocation, args: UploadInput) -> ItemResult:
    document, _ = await _document(inv, args)
    body: dict[str, Any] = {
        "fileName": document.file_name,
        "mimeType": document.content_type,
        "content": base64.b64encode(document.content).decode("ascii"),
    }
    if args.transaction is not None:
        body["transaction"] = refs.iri("transactions", ref_id(args.transaction, "transactions", "transaction"))
    for name in ("documentNumber", "supplierName", "supplierTin", "amount", "currency", "issueDate"):
        value = getattr(args, name)
        if value is not None:
            body[name] = value.isoformat() if isinstance(value, dt.date) else value
    return ItemResult(item=_attachment_item(await inv.api.post_action(UPLOAD.path(), body) or {}))


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="upload_transaction_attachment",
        title="Upload transaction document",
        description="Upload a receipt or purchase invoice (PDF, image, XML; ≤ 10 MB; files only from the client's "
        "roots or FLOWTLY_UPLOAD_DIR), optionally to a transaction.",
        toolset="transactions",
        risk=Risk.WRITE,
        operations=(UPLOAD.operation,),
        input_model=UploadInput,
        output_model=ItemResult,
        handler=_upload,
        preview=_preview_upload,
        escalates=True,
        idempotent=False,
    )
    yield ToolSpec(
        name="search_transaction_attachments",
        title="Search transaction documents",
        description="Search attached and unmatched documents by file name, supplier, document number or NIP.",
        toolset="transactions",
        risk=Risk.READ,
        operations=(SEARCH.operation,),
        input_model=SearchInput,
        output_model=ListResult,
        handler=_search,
    )
    yield ToolSpec(
        name="get_attachment_suggestions",
        title="Document match suggestions",
        description="Transactions a document may belong to, best first; debug=true shows every candidate's scoring.",
        toolset="transactions",
        risk=Risk.READ,
        operations=(SUGGESTIONS.operation, SUGGESTIONS_DEBUG.operation),
        input_model=SuggestionsInput,
        output_model=AttachmentSuggestions,
        handler=_suggestions,
    )
    yield ToolSpec(
        name="apply_attachment_suggestion",
        title="Attach document as suggested",
        description="Attach a document to the suggested transaction: the best one, or the suggestion id given.",
        toolset="transactions",
        risk=Risk.WRITE,
        operations=(APPLY_BEST.operation, APPLY_CHOSEN.operation),
        input_model=ApplyInput,
        output_model=ItemResult,
        handler=_apply,
        idempotent=True,
    )
    yield ToolSpec(
        name="apply_attachment_supplier_suggestion",
        title="Apply suggested supplier",
        description="Set a document's supplier from the matching counterparty (by NIP, else by similar name).",
        toolset="transactions",
        risk=Risk.OVERWRITE,
        operations=(APPLY_SUPPLIER.operation, GET_ATTACHMENT.operation),
        input_model=AttachmentInput,
        output_model=ItemResult,
        handler=_apply_supplier,
        preview=_preview_supplier,
        escalates=True,
        idempotent=True,
    )
    yield ToolSpec(
        name="detach_attachment",
        title="Detach document",
        description="Detach a document from its transaction (the document itself is kept).",
        toolset="transactions",
        risk=Risk.DESTRUCTIVE,
        operations=(DETACH.operation, GET_ATTACHMENT.operation, GET_TRANSACTION.operation),
        input_model=AttachmentInput,
        output_model=ItemResult,
        handler=_detach,
        preview=_preview_detach,
        idempotent=True,
    )
