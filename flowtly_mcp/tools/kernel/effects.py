"""What each tool does to the account, as an effect class, and which guard and annotation each class requires.

One effect, one guard: whichever tool produces an effect, the same confirmation applies. A tool whose name does not
say its effect (everything beyond plain CRUD) is classified here by name, so a new tool cannot be added without
someone deciding what it does; the registry test fails on any tool this module cannot classify, or whose guard or
annotations do not match its class.

The rule for updates: every `update_*` publishes `destructiveHint: true`, since a merge-patch overwrites fields and an
explicit null erases them; the call asks first when it would erase a non-empty field, and the updates whose effect
equals a guarded action (shrinking or unlinking a payment, unlinking a document) ask like that action.
"""

from __future__ import annotations

from enum import StrEnum

from flowtly_mcp.tools.kernel.registry import AnyToolSpec


class Effect(StrEnum):
    READ = "read"
    CREATE = "create"  # a new record; nothing existing changes
    HOUSEKEEPING = "housekeeping"  # sessions, queued lookups and syncs: no business record is changed or lost
    LINK = "link"  # attaches or fills in records from the server's own suggestions
    OVERWRITE = "overwrite"  # changes fields of an existing record; an explicit null erases
    MONEY = "money-movement"  # records a payment against invoices: settles them, stops reminders
    UPLOAD = "upload"  # a local file or given content leaves the machine for Flowtly
    EXTERNAL_SEND = "external-send"  # e-mail to a client, KSeF: leaves the system and cannot be recalled
    DELETE = "delete"  # records or links are removed: delete, detach, merge

    @property
    def needs_guard(self) -> bool:
        """A person sees a preview before this effect happens (or, for overwrites, before anything is erased)."""
        return self in _GUARDED

    @property
    def destructive(self) -> bool:
        """What `destructiveHint` must say: the effect can lose data or cannot be taken back."""
        return self in _DESTRUCTIVE


_GUARDED = frozenset({Effect.OVERWRITE, Effect.MONEY, Effect.UPLOAD, Effect.EXTERNAL_SEND, Effect.DELETE})
_DESTRUCTIVE = frozenset({Effect.OVERWRITE, Effect.EXTERNAL_SEND, Effect.DELETE})

# Tools whose effect their name does not tell, and CRUD tools whose effect differs from their verb.
_BY_NAME: dict[str, Effect] = {
    "create_invoice_transaction": Effect.MONEY,
    "reconcile_payment": Effect.MONEY,
    "reconcile_unmatched": Effect.MONEY,
    "apply_transaction_suggestion": Effect.MONEY,
    "send_invoice_to_client": Effect.EXTERNAL_SEND,
    "send_invoices_to_clients": Effect.EXTERNAL_SEND,
    "send_invoice_to_ksef": Effect.EXTERNAL_SEND,
    "send_ksef_correction": Effect.EXTERNAL_SEND,
    "send_einvoice": Effect.EXTERNAL_SEND,
    "send_invoices_to_ksef_bulk": Effect.EXTERNAL_SEND,
    "send_einvoice_correction": Effect.EXTERNAL_SEND,
    "merge_counterparties": Effect.DELETE,
    "merge_counterparty_records": Effect.DELETE,
    "detach_attachment": Effect.DELETE,
    "upload_transaction_attachment": Effect.UPLOAD,
    "apply_attachment_suggestion": Effect.LINK,
    "apply_attachment_supplier_suggestion": Effect.OVERWRITE,
    "import_transactions": Effect.CREATE,
    "sync_inbound_einvoices": Effect.CREATE,
    "queue_inbound_einvoices": Effect.HOUSEKEEPING,
    "open_ksef_session": Effect.HOUSEKEEPING,
    "enrich_counterparty_branding": Effect.HOUSEKEEPING,
    "create_payment_setup_intent": Effect.HOUSEKEEPING,
}
_BY_VERB = {"create": Effect.CREATE, "update": Effect.OVERWRITE, "delete": Effect.DELETE}


class UnclassifiedTool(LookupError):
    """A writing tool nobody has classified: decide its effect in `_BY_NAME` before shipping it."""


def effect_of(spec: AnyToolSpec) -> Effect:
    if spec.name in _BY_NAME:
        return _BY_NAME[spec.name]
    if spec.risk.value == "read":
        return Effect.READ
    verb = spec.name.split("_", 1)[0]
    # Only generated CRUD tools (one documented operation) are classified by their verb.
    if verb in _BY_VERB and len(spec.operations) == 1:
        return _BY_VERB[verb]
    raise UnclassifiedTool(f"{spec.name}: no effect class; add it to flowtly_mcp.tools.kernel.effects._BY_NAME")
