"""Transaction-attachment actions: uploads, search, matching suggestions and applying or detaching them."""

from __future__ import annotations

import base64
import email.parser
import email.policy
from typing import Any

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.documents import document
from flowtly_mcp.sandbox.errors import ApiError, ValidationFailed, Violation, not_found
from flowtly_mcp.sandbox.handlers.transactions import plain_collection
from flowtly_mcp.sandbox.negotiation import require_json_body
from flowtly_mcp.sandbox.protocol import Call, Reply, created
from flowtly_mcp.sandbox.resources.transactions import TRANSACTION_ATTACHMENTS, TRANSACTIONS
from flowtly_mcp.sandbox.rules.matching import (
    ATTACHMENT_THRESHOLD,
    AttachmentCandidate,
    attachment_candidates,
    supplier_match,
)
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

MAX_UPLOAD = 10 * 1024 * 1024


def upload(call: Call) -> Reply:
    """`POST /transaction-attachments/create`: a multipart upload (`file` plus metadata fields) or JSON with
    base64 `content`."""
    content_type = call.content_type
    if content_type == "multipart/form-data":
        body = _multipart_body(call)
    else:
        require_json_body(content_type)
        parsed = call.json()
        if not isinstance(parsed, dict):
            raise ApiError(400, "The input data is misformatted.")
        body = parsed
    record = crud.create_record(call.world, TRANSACTION_ATTACHMENTS, body)
    return created(document(call.world, "transaction-attachments", record))


def _multipart_body(call: Call) -> dict[str, Any]:
    if len(call.body) > MAX_UPLOAD:
        raise ApiError(413, "The uploaded file is too large.")
    header = f"Content-Type: {call.headers.get('content-type', '')}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + call.body)
    if not message.is_multipart():
        raise ApiError(400, "The multipart body could not be read.")
    body: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        name = _clean(name)
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            body["content"] = base64.b64encode(data).decode("ascii")
            body.setdefault("fileName", _clean(filename))
            body.setdefault("mimeType", _clean(part.get_content_type()))
        else:
            body[name] = data.decode("utf-8", errors="replace")
    if "content" not in body:
        raise ValidationFailed([Violation("file", "This value should not be blank.")])
    return body


def _clean(text: str) -> str:
    """Header text the parser could not decode keeps its raw bytes as surrogates: turn them into real text."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def search(call: Call) -> Reply:
    """Full-text-ish search (`q`) over file name, supplier, document number and TIN, plus the list filters."""
    views = call.world.views("transaction-attachments")
    needle = call.query.get("q")
    if isinstance(needle, str) and needle.strip():
        wanted = needle.casefold().strip()
        fields = ("fileName", "supplierName", "documentNumber", "supplierTin")
        views = [v for v in views if any(wanted in str(v.get(f) or "").casefold() for f in fields)]
    return crud.collection_reply(
        call, TRANSACTION_ATTACHMENTS, views, collection_iri="/api/transaction-attachments/search"
    )


def _candidate_document(attachment: Record, candidate: AttachmentCandidate) -> dict[str, Any]:
    transaction = candidate.transaction
    return {
        "@id": f"/api/transaction-attachments/{attachment['id']}/suggestions/{transaction['id']}",
        "@type": "AttachmentSuggestion",
        "id": str(transaction["id"]),
        "transaction": TRANSACTIONS.iri(transaction["id"]),
        "amount": transaction.get("amount"),
        "execDate": transaction.get("execDate"),
        "description": transaction.get("description"),
        "score": candidate.score,
        "reasons": candidate.reasons,
    }


def suggestions(call: Call) -> Reply:
    world = call.world
    attachment = crud.find_or_404(world, "transaction-attachments", call.path_id)
    members = [
        _candidate_document(attachment, c)
        for c in attachment_candidates(world, attachment)
        if c.score >= ATTACHMENT_THRESHOLD
    ]
    return plain_collection(
        call, "AttachmentSuggestion", f"/api/transaction-attachments/{attachment['id']}/suggestions", members
    )


def suggestions_debug(call: Call) -> Reply:
    world = call.world
    attachment = crud.find_or_404(world, "transaction-attachments", call.path_id)
    candidates = attachment_candidates(world, attachment)
    return Reply(
        200,
        {
            "@context": "/api/contexts/AttachmentSuggestionDebug",
            "@id": f"/api/transaction-attachments/{attachment['id']}/suggestions-debug",
            "@type": "AttachmentSuggestionDebug",
            "attachment": TRANSACTION_ATTACHMENTS.iri(attachment["id"]),
            "threshold": ATTACHMENT_THRESHOLD,
            "weights": {"amount": 60, "supplierTin": 30, "supplierName": 20, "date": 10},
            "candidates": [
                {
                    **_candidate_document(attachment, c),
                    "breakdown": c.breakdown,
                    "suggested": c.score >= ATTACHMENT_THRESHOLD,
                }
                for c in candidates
            ],
        },
    )


def _attach(world: World, attachment: Record, transaction: Record) -> Record:
    updated = dict(
        attachment, transaction=TRANSACTIONS.iri(transaction["id"]), status="matched", updatedAt=world.timestamp()
    )
    return world.store.replace("transaction-attachments", updated)


def apply_best(call: Call) -> Reply:
    world = call.world
    attachment = crud.find_or_404(world, "transaction-attachments", call.path_id)
    candidates = [c for c in attachment_candidates(world, attachment) if c.score >= ATTACHMENT_THRESHOLD]
    if not candidates:
        raise ValidationFailed([Violation("transaction", "No transaction matches this document well enough.")])
    attached = _attach(world, attachment, candidates[0].transaction)
    return Reply(200, document(world, "transaction-attachments", attached))


def apply_chosen(call: Call) -> Reply:
    world = call.world
    attachment = crud.find_or_404(world, "transaction-attachments", call.path_id)
    wanted = call.params["suggestionId"]
    chosen = next(
        (
            c
            for c in attachment_candidates(world, attachment)
            if str(c.transaction["id"]) == wanted and c.score >= ATTACHMENT_THRESHOLD
        ),
        None,
    )
    if chosen is None:
        raise not_found()
    attached = _attach(world, attachment, chosen.transaction)
    return Reply(200, document(world, "transaction-attachments", attached))


def apply_supplier(call: Call) -> Reply:
    """Take the supplier's details from the matching counterparty; an attached transaction without a
    counterparty gets it too."""
    world = call.world
    attachment = crud.find_or_404(world, "transaction-attachments", call.path_id)
    counterparty = supplier_match(world, attachment)
    if counterparty is None:
        raise ValidationFailed([Violation("supplierName", "No counterparty matches this document's supplier.")])
    updated = dict(
        attachment,
        supplierName=counterparty.get("displayName"),
        supplierTin=counterparty.get("tin") or counterparty.get("supplierTin") or attachment.get("supplierTin"),
    )
    with world.store.batch():
        world.store.replace("transaction-attachments", updated)
        transaction = world.find("transactions", str(attachment.get("transaction") or "").rsplit("/", 1)[-1])
        if transaction is not None and not transaction.get("counterparty"):
            world.store.replace(
                "transactions", dict(transaction, counterparty=f"/api/counterparties/{counterparty['id']}")
            )
    return Reply(200, document(world, "transaction-attachments", updated))


def detach(call: Call) -> Reply:
    world = call.world
    attachment = crud.find_or_404(world, "transaction-attachments", call.path_id)
    updated = world.store.replace("transaction-attachments", dict(attachment, transaction=None, status="unmatched"))
    return Reply(200, document(world, "transaction-attachments", updated))
