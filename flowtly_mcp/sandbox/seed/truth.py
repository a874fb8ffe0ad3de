"""The answers planted in the seed data, as typed frozen records.

Tests, evaluations and demos compare what the server finds against these: which invoices an unmatched bank transfer
really pays, which counterparties are the same firm, where each invoice stands in KSeF, and which stored texts are
hostile input that must be treated as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class CaseKind(StrEnum):
    """What makes an unmatched transfer easy or hard to match."""

    MPP = "mpp"
    EXACT_NUMBER = "exact_number"
    TYPO_NUMBER = "typo_number"
    AMOUNT_ONLY = "amount_only"
    MULTI_INVOICE = "multi_invoice"
    PARTIAL = "partial"
    OVERPAYMENT = "overpayment"
    EUR = "eur"
    AMBIGUOUS = "ambiguous"
    UNRELATED = "unrelated"
    # Decoys: each looks like something a matcher could apply, and must not.
    TWO_CLIENTS = "two_clients"
    UNKNOWN_NUMBER = "unknown_number"
    NAME_ONLY = "name_only"
    OTHER_CURRENCY = "other_currency"


class NoMatchReason(StrEnum):
    """Why an unmatched transfer must not be applied to any invoice automatically."""

    AMBIGUOUS = "ambiguous"
    NOT_A_RECEIVABLE = "not a receivable"
    NO_SUCH_INVOICE = "names an invoice that does not exist"
    PAYER_UNCERTAIN = "payer known by name only"
    NO_RATE = "another currency, no rate"


class PayerIdentifier(StrEnum):
    """How a planted transfer's counterparty ties it to its client: its NIP in one spelling, its IBAN, or both.

    The counterparty a transaction embeds is the payer's counterparty record, so the spelling is the record's.
    """

    NIP_PLAIN = "nip_plain"  # 5273180297
    NIP_DASHED = "nip_dashed"  # 527-318-02-97
    NIP_PREFIXED = "nip_prefixed"  # PL5273180297
    IBAN_SPACED = "iban_spaced"  # PL61 1090 1014 0000 0712 1981 2874, no tax number
    IBAN_COMPACT = "iban_compact"  # PL61109010140000071219812874, no tax number
    NIP_AND_IBAN = "nip_and_iban"  # both, as the client's record has them


class DuplicateTier(StrEnum):
    """How sure a duplicate group is: same tax number, same bank account, or only the same normalized name."""

    CERTAIN = "certain"
    STRONG = "strong"
    CANDIDATE = "candidate"


class KsefState(StrEnum):
    """Where an outbound invoice stands in KSeF (`not_sent` means no e-invoicing record)."""

    NOT_SENT = "not_sent"
    ACCEPTED = "accepted"
    PROCESSING = "processing"
    SUCCESS = "success"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Allocation:
    """Part of a transfer applied to one invoice, in the invoice's currency."""

    invoice_id: int
    amount: Decimal


@dataclass(frozen=True)
class ReconciliationLabel:
    """The right answer for one bank transfer that has no invoice-transaction yet.

    `allocations` is None when the transfer must not be auto-matched; `reason` then says why. `unallocated` is what
    stays on the transfer after the allocations (the excess of an over-payment). `identifier` says how a certain
    payer's counterparty identifies it (None where the case does not turn on the payer, or no record knows it).
    """

    transaction_id: str
    kind: CaseKind
    amount: Decimal
    currency: str
    allocations: tuple[Allocation, ...] | None
    reason: NoMatchReason | None
    unallocated: Decimal
    description: str
    identifier: PayerIdentifier | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Counterparty records that are one real firm, and the value they share."""

    tier: DuplicateTier
    member_ids: tuple[int, ...]
    shared_value: str


@dataclass(frozen=True)
class NonDuplicatePair:
    """Two firms whose names normalize alike but whose valid NIPs differ: they must never be merged."""

    first_id: int
    second_id: int


@dataclass(frozen=True)
class InvalidTin:
    """A deliberately wrong tax number (a typo'd check digit) on a counterparty."""

    counterparty_id: int
    tin: str


@dataclass(frozen=True)
class KsefRejection:
    """An invoice KSeF refused, and why."""

    invoice_id: int
    e_invoicing_id: int
    status_code: int
    reason: str


@dataclass(frozen=True)
class KsefCorrection:
    """A correction (KOR) invoice in KSeF and the original it corrects, each with its KSeF number."""

    invoice_id: int
    parent_id: int
    ksef_number: str
    parent_ksef_number: str


@dataclass(frozen=True)
class GroundTruth:
    """Every planted case of one seed configuration."""

    reconciliation: tuple[ReconciliationLabel, ...]
    duplicate_groups: tuple[DuplicateGroup, ...]
    non_duplicate_pairs: tuple[NonDuplicatePair, ...]
    invalid_tins: tuple[InvalidTin, ...]
    ksef_states: Mapping[int, KsefState]
    ksef_rejections: tuple[KsefRejection, ...]
    ksef_corrections: tuple[KsefCorrection, ...]
    injection_note_ids: tuple[str, ...]
    injection_transaction_ids: tuple[str, ...]
    clients_without_address: tuple[int, ...]

    def label(self, transaction_id: str) -> ReconciliationLabel:
        """The label of one planted transfer."""
        for label in self.reconciliation:
            if label.transaction_id == transaction_id:
                return label
        raise KeyError(transaction_id)

    @property
    def rejected_invoice_ids(self) -> tuple[int, ...]:
        """Invoices KSeF refused."""
        return tuple(r.invoice_id for r in self.ksef_rejections)
