"""Bank transaction tools beyond CRUD: lines needing attention, payment suggestions, import, MT940 and ZIP exports."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from flowtly_mcp.api import refs
from flowtly_mcp.api.endpoints import APPLY_TRANSACTION_SUGGESTION as APPLY_SUGGESTION
from flowtly_mcp.api.endpoints import EXPORT_MT940 as MT940
from flowtly_mcp.api.endpoints import GET_CLIENT, GET_INVOICE
from flowtly_mcp.api.endpoints import IMPORT_TRANSACTIONS as IMPORT
from flowtly_mcp.api.endpoints import TRANSACTION_ATTACHMENTS_ZIP as ATTACHMENTS_ZIP
from flowtly_mcp.api.endpoints import TRANSACTION_SUGGESTIONS as SUGGESTIONS
from flowtly_mcp.api.endpoints import TRANSACTIONS_WITH_PROBLEMS as WITH_PROBLEMS
from flowtly_mcp.api.endpoints import UNASSIGNED_TRANSACTIONS as UNASSIGNED
from flowtly_mcp.finance.identifiers import is_valid_iban, normalize_iban
from flowtly_mcp.finance.money import parse_optional_amount
from flowtly_mcp.models.common import CounterpartyRef, InputModel, Money, TransactionRef
from flowtly_mcp.models.filters import TransactionFilters
from flowtly_mcp.tools.crud import query_of
from flowtly_mcp.tools.families import BY_PATH
from flowtly_mcp.tools.kernel.bodies import body_of
from flowtly_mcp.tools.kernel.errors import ToolInputError, ToolRefused
from flowtly_mcp.tools.kernel.files import INLINE_LIMIT_BYTES, SavedFile, save_download
from flowtly_mcp.tools.kernel.guards import Preview
from flowtly_mcp.tools.kernel.params import ListControls
from flowtly_mcp.tools.kernel.references import ref_id, ref_ids
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import ItemResult, ListResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_record, plain, shape_page
from flowtly_mcp.tools.payments.recording import payment_preview

MAX_IMPORT = 1000
MAX_ZIPPED = 100
_TRANSACTIONS = BY_PATH["transactions"]
_ATTENTION = {"unassigned": UNASSIGNED, "with_problems": WITH_PROBLEMS}
SUGGESTION_FIELDS = ("invoice", "invoiceName", "amount", "openAmount", "score", "reasons")


class AttentionInput(ListControls):
    kind: Literal["unassigned", "with_problems"] = Field(
        default="unassigned",
        description="with_problems: e.g. a missing attachment",
    )


class SuggestionsInput(InputModel):
    transaction: TransactionRef
    limit: int = Field(default=10, ge=1, le=50)
    cursor: str | None = None


class ApplySuggestionInput(InputModel):
    transaction: TransactionRef
    suggestion: str = Field(min_length=1, max_length=100, description="Suggestion id from get_transaction_suggestions")


def _iban(value: str | None) -> str | None:
    if value is None:
        return None
    if not is_valid_iban(value):
        raise ValueError("not a valid IBAN (checksum or length)")
    return normalize_iban(value)


class ImportRow(InputModel):
    amount: Money = Field(description="Positive = money in, negative = money out")
    currency: str = Field(default="PLN", pattern=r"^[A-Z]{3}$")
    description: str = Field(min_length=1, max_length=1000, description="Transfer title")
    execDate: dt.date = Field(description="Booking date")
    orderDate: dt.date | None = None
    bankAccount: str | None = Field(default=None, max_length=40, description="Our IBAN; default: the main account")
    counterpartyName: str | None = Field(default=None, max_length=255)
    counterpartyAccount: str | None = Field(default=None, max_length=40, description="Sender/recipient IBAN")
    counterparty: CounterpartyRef | None = None
    operationNumber: str | None = Field(
        default=None, max_length=100, description="Bank's reference; rows already imported with it are skipped"
    )
    note: str | None = Field(default=None, max_length=2000)

    _valid_accounts = field_validator("bankAccount", "counterpartyAccount")(_iban)

    @model_validator(mode="after")
    def _sane(self) -> ImportRow:
        if self.amount == 0:
            raise ValueError("amount: a bank line moves money; 0 is not a transaction")
        if self.orderDate is not None and self.orderDate > self.execDate:
            raise ValueError("orderDate is after execDate")
        return self


class ImportInput(InputModel):
    transactions: list[ImportRow] = Field(min_length=1, max_length=MAX_IMPORT)


class ImportResult(BaseModel):
    received: int
    imported: int
    skipped: int = Field(description="Already imported (same bank account and operation number)")
    ids: list[str]


class Mt940Input(TransactionFilters):
    inline: bool = Field(default=False, description="Also return the text when it is at most 20 kB")


class ZipInput(InputModel):
    transactions: list[TransactionRef] = Field(min_length=1, max_length=MAX_ZIPPED)


async def _attention(inv: Invocation, args: AttentionInput) -> ListResult:
    route = _ATTENTION[args.kind]
    keep = (*(_TRANSACTIONS.compact or ()), "problems")
    page = await inv.api.list_slice(route.path(), limit=args.limit, cursor=args.cursor)
    items = shape_page(page.items, view=args.view, fields=args.fields, compact_fields=keep, derive=_TRANSACTIONS.derive)
    return ListResult.of(items, total=page.total, next_cursor=page.next_cursor)


async def _suggestions(inv: Invocation, args: SuggestionsInput) -> ListResult:
    transaction_id = ref_id(args.transaction, "transactions", "transaction")
    page = await inv.api.list_slice(SUGGESTIONS.path(id=transaction_id), limit=args.limit, cursor=args.cursor)
    items = [plain(compact_record(r, keep=["id", *SUGGESTION_FIELDS])) for r in page.items]
    return ListResult.of(items, total=page.total, next_cursor=page.next_cursor)


async def _preview_apply(inv: Invocation, args: ApplySuggestionInput) -> Preview:
    """Applying a suggestion records a payment of an invoice: it previews like reconcile_payment."""
    transaction_id = ref_id(args.transaction, "transactions", "transaction")
    suggestions = await inv.api.fetch_all(SUGGESTIONS.path(id=transaction_id))
    chosen = next((s for s in suggestions if str(s.get("id")) == args.suggestion), None)
    if chosen is None or not chosen.get("invoice"):
        raise ToolRefused(
            f"Not applied: {args.suggestion} is not among the current suggestions of transaction {transaction_id}; "
            "list them again with get_transaction_suggestions."
        )
    amount = parse_optional_amount(chosen.get("amount")) or parse_optional_amount(chosen.get("openAmount"))
    if amount is None:
        raise ToolRefused(f"Not applied: suggestion {args.suggestion} names no amount to apply.")
    return await payment_preview(
        inv, str(chosen["invoice"]), amount, source={"transaction": transaction_id, "suggestion": args.suggestion}
    )


async def _apply(inv: Invocation, args: ApplySuggestionInput) -> ItemResult:
    transaction_id = ref_id(args.transaction, "transactions", "transaction")
    path = APPLY_SUGGESTION.path(id=transaction_id, suggestionId=args.suggestion)
    answer = await inv.api.post_action(path)
    return ItemResult(item=plain(compact_record(answer or {})))


def _check_batch(rows: list[ImportRow]) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for index, row in enumerate(rows):
        if row.operationNumber is None:
            continue
        key = (row.bankAccount, row.operationNumber)
        if key in seen:
            raise ToolInputError(
                f"transactions[{index}].operationNumber: {row.operationNumber} repeats transactions[{seen[key]}]; "
                "one bank operation is one row."
            )
        seen[key] = index


async def _import(inv: Invocation, args: ImportInput) -> ImportResult:
    _check_batch(args.transactions)
    body = {"transactions": [body_of(row) for row in args.transactions]}
    await inv.progress(0, 1, f"sending {len(args.transactions)} rows")
    answer = await inv.api.post_action(IMPORT.path(), body)
    await inv.progress(1, 1, "imported")
    result = answer if isinstance(answer, dict) else {}
    ids = [str(i) for i in result.get("ids") or []]
    imported = result.get("imported")
    return ImportResult(
        received=int(result.get("received") or len(args.transactions)),
        imported=int(imported) if imported is not None else len(ids),
        skipped=int(result.get("skipped") or 0),
        ids=ids,
    )


async def _mt940(inv: Invocation, args: Mt940Input) -> SavedFile:
    query = query_of(TransactionFilters, args)
    download = await inv.api.download("GET", MT940.path(), params=query)
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:10]
    return save_download(
        inv, download, stem=f"transactions-{digest}", suffix=".mt940", resource_uri=None, inline=args.inline
    )


async def _zip(inv: Invocation, args: ZipInput) -> SavedFile:
    ids = ref_ids(args.transactions, "transactions", "transactions")
    body = {"transactions": [refs.iri("transactions", i) for i in ids]}
    download = await inv.api.download("POST", ATTACHMENTS_ZIP.path(), json=body)
    digest = hashlib.sha256("|".join(ids).encode()).hexdigest()[:10]
    stem = f"transaction-attachments-{len(ids)}-{digest}"
    return save_download(inv, download, stem=stem, suffix=".zip", resource_uri=None, inline=False)


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="list_transactions_needing_attention",
        title="Transactions needing attention",
        description="List bank transactions that are unassigned (money in nothing explains) or have problems.",
        toolset="transactions",
        risk=Risk.READ,
        operations=(UNASSIGNED.operation, WITH_PROBLEMS.operation),
        input_model=AttentionInput,
        output_model=ListResult,
        handler=_attention,
    )
    yield ToolSpec(
        name="get_transaction_suggestions",
        title="Payment match suggestions",
        description="Invoices an incoming transaction may pay, best first, with score and reasons.",
        toolset="transactions",
        risk=Risk.READ,
        operations=(SUGGESTIONS.operation,),
        input_model=SuggestionsInput,
        output_model=ListResult,
        handler=_suggestions,
    )
    yield ToolSpec(
        name="apply_transaction_suggestion",
        title="Apply payment suggestion",
        description="Apply a suggested match: records the transaction as a payment of the suggested invoice.",
        toolset="transactions",
        risk=Risk.WRITE,
        operations=(APPLY_SUGGESTION.operation, SUGGESTIONS.operation, GET_INVOICE.operation, GET_CLIENT.operation),
        input_model=ApplySuggestionInput,
        output_model=ItemResult,
        handler=_apply,
        preview=_preview_apply,
        escalates=True,
        idempotent=False,
    )
    yield ToolSpec(
        name="import_transactions",
        title="Import bank transactions",
        description=f"Import up to {MAX_IMPORT} bank lines; every row is validated before sending (IBANs, dates, "
        "amounts). Reports counts.",
        toolset="transactions",
        risk=Risk.WRITE,
        operations=(IMPORT.operation,),
        input_model=ImportInput,
        output_model=ImportResult,
        handler=_import,
        idempotent=False,
    )
    yield ToolSpec(
        name="export_transactions_mt940",
        title="Export MT940 statement",
        description=f"Save filtered bank transactions as an MT940 statement file (inline text only up to "
        f"{INLINE_LIMIT_BYTES // 1024} kB).",
        toolset="transactions",
        risk=Risk.READ,
        operations=(MT940.operation,),
        input_model=Mt940Input,
        output_model=SavedFile,
        handler=_mt940,
    )
    yield ToolSpec(
        name="export_transaction_attachments_zip",
        title="Export attachments as ZIP",
        description="Save the documents attached to the given transactions as one ZIP file.",
        toolset="transactions",
        risk=Risk.READ,
        operations=(ATTACHMENTS_ZIP.operation,),
        input_model=ZipInput,
        output_model=SavedFile,
        handler=_zip,
        # A POST that only reads: safe to repeat.
        idempotent=True,
    )
