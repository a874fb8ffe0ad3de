"""Transaction actions: unassigned and problem lists, payment suggestions, bulk import, MT940, attachment zips."""

from __future__ import annotations

import base64
from typing import Any

from flowtly_mcp.sandbox import crud, render
from flowtly_mcp.sandbox.documents import document
from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation, not_found
from flowtly_mcp.sandbox.files import archive, mt940, pdf
from flowtly_mcp.sandbox.handlers.common import records_of, required_iris
from flowtly_mcp.sandbox.money import ZERO, to_decimal
from flowtly_mcp.sandbox.protocol import Call, Reply, created, file_reply
from flowtly_mcp.sandbox.resources.billing import INVOICE_TRANSACTIONS, INVOICES
from flowtly_mcp.sandbox.resources.transactions import TRANSACTIONS
from flowtly_mcp.sandbox.rules.invoices import as_date
from flowtly_mcp.sandbox.rules.matching import InvoiceSuggestion, invoice_suggestions
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.validation import denormalize, normalize, validate
from flowtly_mcp.sandbox.world import World

IMPORT_LIMIT = 1000


def _is_unassigned(view: Record) -> bool:
    if view.get("ignored") or to_decimal(view.get("amount")) <= 0:
        return False
    return not (view["invoiceTransactions"] or view["budgetTransactions"] or view["projectTransactions"])


def list_unassigned(call: Call) -> Reply:
    """Money in that nothing explains yet: no invoice, budget or project assignment, not ignored."""
    world = call.world
    views = [view for view in world.views("transactions") if _is_unassigned(view)]
    return crud.collection_reply(call, TRANSACTIONS, views, collection_iri="/api/transactions/unassigned")


def list_with_problems(call: Call) -> Reply:
    views = [view for view in call.world.views("transactions") if view.get("problems")]
    return crud.collection_reply(call, TRANSACTIONS, views, collection_iri="/api/transactions/with-problems")


def _suggestion_document(transaction: Record, suggestion: InvoiceSuggestion) -> dict[str, Any]:
    return {
        "@id": f"/api/transactions/{transaction['id']}/suggestions/{suggestion.id}",
        "@type": "TransactionSuggestion",
        "id": suggestion.id,
        "transaction": TRANSACTIONS.iri(transaction["id"]),
        "invoice": INVOICES.iri(suggestion.invoice["id"]),
        "invoiceName": suggestion.invoice.get("name"),
        "amount": suggestion.amount,
        "openAmount": suggestion.open_amount,
        "score": suggestion.score,
        "reasons": suggestion.reasons,
    }


def plain_collection(call: Call, entity: str, iri: str, members: list[dict[str, Any]]) -> Reply:
    page, per_page = crud.page_window(call.world, call.query)
    start = (page - 1) * per_page
    body = render.collection(
        entity=entity,
        collection_iri=iri,
        members=members[start : start + per_page],
        total=len(members),
        page=page,
        per_page=per_page,
        request_path=call.path,
        query=call.query,
        prefix=call.world.config.hydra_prefix,
        search=None,
    )
    return Reply(200, body)


def suggestions(call: Call) -> Reply:
    world = call.world
    transaction = crud.find_or_404(world, "transactions", call.path_id)
    members = [_suggestion_document(transaction, s) for s in invoice_suggestions(world, transaction)]
    return plain_collection(
        call, "TransactionSuggestion", f"/api/transactions/{transaction['id']}/suggestions", members
    )


def apply_suggestion(call: Call) -> Reply:
    world = call.world
    transaction = crud.find_or_404(world, "transactions", call.path_id)
    wanted = call.params["suggestionId"]
    chosen = next((s for s in invoice_suggestions(world, transaction) if s.id == wanted), None)
    if chosen is None:
        raise not_found()
    body = {
        "invoice": INVOICES.iri(chosen.invoice["id"]),
        "transaction": TRANSACTIONS.iri(transaction["id"]),
        "amount": chosen.amount,
        "date": transaction.get("execDate") or world.timestamp(),
    }
    record = crud.create_record(world, INVOICE_TRANSACTIONS, body)
    return created(document(world, "invoice-transactions", record))


def import_transactions(call: Call) -> Reply:
    """Create many transactions at once; if any row is invalid nothing is written and every bad row is listed."""
    world = call.world
    body = call.json()
    if not isinstance(body, dict):
        raise ApiError(400, "The input data is misformatted.")
    rows = body.get("transactions")
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed([Violation("transactions", "This value should not be blank.")])
    if len(rows) > IMPORT_LIMIT:
        raise ValidationFailed([Violation("transactions", f"At most {IMPORT_LIMIT} transactions per import.")])
    prepared: list[Record] = []
    found: list[Violation] = []
    known = {(t.get("bankAccount"), t.get("operationNumber")) for t in world.store.all("transactions")}
    skipped = 0
    for index, row in enumerate(rows):
        try:
            record = _prepare_row(world, row)
        except ValidationFailed as failure:
            found += [
                Violation(f"transactions[{index}].{v.property_path}", v.message, v.code) for v in failure.violations
            ]
            continue
        except ApiError as error:
            found.append(Violation(f"transactions[{index}]", error.detail))
            continue
        key = (record.get("bankAccount"), record.get("operationNumber"))
        if record.get("operationNumber") and key in known:
            skipped += 1
            continue
        known.add(key)
        prepared.append(record)
    if found:
        raise ValidationFailed(found)
    with world.store.batch():
        for record in prepared:
            record["id"] = world.store.next_id("transactions", TRANSACTIONS.id_prefix)
            world.store.insert("transactions", record)
    ids = [record["id"] for record in prepared]
    return Reply(
        201,
        {
            "@context": "/api/contexts/TransactionImport",
            "@id": "/api/transactions/import",
            "@type": "TransactionImport",
            "received": len(rows),
            "imported": len(prepared),
            "skipped": skipped,
            "ids": ids,
            "transactions": [TRANSACTIONS.iri(i) for i in ids],
        },
    )


def _prepare_row(world: World, row: Any) -> Record:
    if not isinstance(row, dict):
        raise ValidationFailed([Violation("", "This value should be of type object.")])
    record: Record = {"id": None, "ignored": 0, "bankAccount": world.organization().get("bankAccount")}
    record.update(denormalize(world, TRANSACTIONS, row))
    validate(TRANSACTIONS, record)
    return normalize(TRANSACTIONS, record)


def export_mt940(call: Call) -> Reply:
    """The filtered transactions (same filters as the list) as MT940 statements, oldest first."""
    world = call.world
    selected = _filtered(call)
    selected.sort(key=lambda v: (str(v.get("execDate") or ""), str(v["id"])))
    groups: dict[tuple[str, str], list[Record]] = {}
    for view in selected:
        key = (str(view.get("bankAccount") or world.organization().get("bankAccount") or ""), str(view.get("currency")))
        groups.setdefault(key, []).append(view)
    statements: list[mt940.Statement] = []
    for number, ((account, currency), views) in enumerate(groups.items(), start=1):
        first = views[0]
        opening = (
            to_decimal(first.get("endingBalance")) - to_decimal(first.get("amount"))
            if first.get("endingBalance") is not None
            else ZERO
        )
        statement_number = int(first.get("statementNumber") or number)
        lines = [
            mt940.Line(
                value_date=as_date(view.get("execDate")) or world.today,
                amount=to_decimal(view.get("amount")),
                reference=str(view.get("operationNumber") or view["id"]),
                details=str(view.get("description") or ""),
            )
            for view in views
        ]
        opening_date = lines[0].value_date
        statements.append(mt940.Statement(account, currency, statement_number, opening, opening_date, lines))
    text = mt940.build(statements, f"FLOWTLY{world.today:%Y%m%d}")
    return Reply(
        200,
        content=text.encode("ascii", "replace"),
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="transactions.mt940"'},
    )


def _filtered(call: Call) -> list[Record]:
    from flowtly_mcp.sandbox import filters

    return list(filters.apply(TRANSACTIONS, call.world.views("transactions"), call.query))


def attachments_zip(call: Call) -> Reply:
    world = call.world
    iris = required_iris(world, call.json(), "transactions", "transactions")
    files = [
        (f"{transaction['id']}/{attachment.get('fileName') or attachment['id']}", attachment_bytes(attachment))
        for transaction in records_of(world, "transactions", iris)
        for attachment in world.related("transaction-attachments", "transaction", TRANSACTIONS.iri(transaction["id"]))
    ]
    return file_reply(archive.build(files), "application/zip", "transaction-attachments.zip")


def attachment_bytes(attachment: Record) -> bytes:
    """The uploaded file, or (for documents known only by their metadata) a one-page PDF describing it."""
    content = attachment.get("_content")
    if isinstance(content, str) and content:
        return base64.b64decode(content)
    return pdf.build(
        f"Document {attachment.get('documentNumber') or attachment['id']}",
        [
            f"Supplier: {attachment.get('supplierName') or '-'}",
            f"Amount: {attachment.get('amount') or '-'} {attachment.get('currency') or ''}",
            f"Issue date: {attachment.get('issueDate') or '-'}",
        ],
    )
