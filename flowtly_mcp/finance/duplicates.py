"""Duplicate counterparties: finding them in tiers of certainty, picking the record to keep, previewing a merge.

Tiers: ``certain`` — the same valid NIP or EU VAT number; ``strong`` — the same bank account; ``candidate`` —
the same or a nearly identical company name once legal forms, accents, punctuation and case are gone. Links are
followed transitively, but two records carrying different valid tax numbers are never put in one group,
whatever else they share (two companies of one family often share a name, sometimes even an account), and a name
or account shared by records with different tax numbers joins nobody. A group's tier is its weakest link; a pair
linked at several tiers counts at its highest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .identifiers import compact_iban, normalize_iban, tax_key
from .names import normalize_company_name
from .records import CounterpartyView

Tier = Literal["certain", "strong", "candidate"]
EvidenceKind = Literal["tax_id", "bank_account", "name", "similar_name"]
TIERS: tuple[Tier, ...] = ("certain", "strong", "candidate")
DEFAULT_NAME_CUTOFF = 92.0
# Very short names are too often alike by chance ("abc" / "abd") for a similarity score to mean anything.
MIN_FUZZY_NAME_LENGTH = 5


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why some members of a group are thought to be the same counterparty."""

    tier: Tier
    kind: EvidenceKind
    value: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Counterparties that are probably one; every member appears in exactly one group."""

    tier: Tier
    member_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]


def _id_order(identifier: str) -> tuple[int, str]:
    # Numeric ids sort by value (9 before 10); any other id after them, alphabetically.
    return (int(identifier), "") if identifier.isdigit() else (1 << 62, identifier)


class _Groups:
    """Union-find over counterparty ids that refuses to join records with different tax numbers."""

    def __init__(self, counterparties: Sequence[CounterpartyView]) -> None:
        self.parent = {c.id: c.id for c in counterparties}
        self.record_keys: dict[str, frozenset[str]] = {c.id: frozenset(_tax_keys(c)) for c in counterparties}
        # tax numbers of each component, kept at its root
        self.tax_keys: dict[str, set[str]] = {c.id: set(self.record_keys[c.id]) for c in counterparties}
        self.weakest: dict[str, int] = {c.id: 0 for c in counterparties}

    def root(self, identifier: str) -> str:
        while self.parent[identifier] != identifier:
            self.parent[identifier] = self.parent[self.parent[identifier]]
            identifier = self.parent[identifier]
        return identifier

    def join(self, a: str, b: str, tier: Tier) -> None:
        root_a, root_b = self.root(a), self.root(b)
        if root_a == root_b:
            return
        keys_a, keys_b = self.tax_keys[root_a], self.tax_keys[root_b]
        if keys_a and keys_b and not keys_a & keys_b:
            return
        if _id_order(root_b) < _id_order(root_a):
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.tax_keys[root_a] = keys_a | keys_b
        self.weakest[root_a] = max(self.weakest[root_a], self.weakest[root_b], TIERS.index(tier))

    def join_all(self, members: Sequence[str], tier: Tier) -> None:
        for other in members[1:]:
            self.join(members[0], other, tier)


def _contested(ids: Sequence[str], groups: _Groups) -> bool:
    """True when records sharing a name or an account carry different tax numbers.

    Such a signal says nothing about which company a record without a tax number belongs to, so it joins nobody.
    """
    keys = frozenset[str]().union(*(groups.record_keys[identifier] for identifier in ids))
    return len(keys) > 1


def _tax_keys(counterparty: CounterpartyView) -> set[str]:
    return {key for key in (tax_key(tin) for tin in counterparty.tins) if key}


def find_duplicate_groups(
    counterparties: Iterable[CounterpartyView], *, name_cutoff: float = DEFAULT_NAME_CUTOFF
) -> list[DuplicateGroup]:
    """Groups of two or more counterparties that look like one, strongest tier first."""
    records = sorted(counterparties, key=lambda c: _id_order(c.id))
    groups = _Groups(records)
    signals: list[tuple[Tier, EvidenceKind, str, list[str]]] = []
    by_tax: dict[str, list[str]] = defaultdict(list)
    by_account: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for key in sorted(groups.record_keys[record.id]):
            by_tax[key].append(record.id)
        for account in {normalize_iban(account) for account in record.bank_accounts} - {None}:
            by_account[str(account)].append(record.id)
        name = normalize_company_name(record.display_name)
        if name:
            by_name[name].append(record.id)
    signals += [("certain", "tax_id", key, ids) for key, ids in by_tax.items() if len(ids) > 1]
    signals += [("strong", "bank_account", key, ids) for key, ids in by_account.items() if len(ids) > 1]
    signals += [("candidate", "name", name, ids) for name, ids in by_name.items() if len(ids) > 1]
    signals += _similar_names(by_name, name_cutoff)
    for tier in TIERS:
        for signal_tier, kind, _, ids in signals:
            if signal_tier == tier and (kind == "tax_id" or not _contested(ids, groups)):
                groups.join_all(ids, tier)
    return _collect(records, groups, signals)


def _similar_names(by_name: dict[str, list[str]], cutoff: float) -> list[tuple[Tier, EvidenceKind, str, list[str]]]:
    """Pairs of different normalised names scoring at least ``cutoff`` (rapidfuzz ratio).

    Names are compared only with names of similar length: a ratio of 92 is impossible between strings whose
    lengths differ by more than about 17%, so sorting by length bounds the comparisons.
    """
    # Imported here: the server answers tools/list (and most calls) without loading rapidfuzz.
    from rapidfuzz import fuzz, process

    names = sorted((name for name in by_name if len(name) >= MIN_FUZZY_NAME_LENGTH), key=lambda n: (len(n), n))
    factor = 2 * 100 / max(cutoff, 1) - 1
    found: list[tuple[Tier, EvidenceKind, str, list[str]]] = []
    for position, name in enumerate(names):
        window = []
        for other in names[position + 1 :]:
            if len(other) > len(name) * factor:
                break
            window.append(other)
        for other, score, _ in process.extract(name, window, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
            value = f"{name} ~ {other} ({score:.0f}%)"
            found.append(("candidate", "similar_name", value, [*by_name[name], *by_name[other]]))
    return found


def _collect(
    records: Sequence[CounterpartyView], groups: _Groups, signals: list[tuple[Tier, EvidenceKind, str, list[str]]]
) -> list[DuplicateGroup]:
    members: dict[str, list[str]] = defaultdict(list)
    for record in records:
        members[groups.root(record.id)].append(record.id)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for tier, kind, value, ids in signals:
        by_root: dict[str, list[str]] = defaultdict(list)
        for identifier in ids:
            by_root[groups.root(identifier)].append(identifier)
        for root, linked in by_root.items():
            if len(linked) > 1:
                evidence[root].append(Evidence(tier, kind, value, tuple(linked)))
    result = [
        DuplicateGroup(TIERS[groups.weakest[root]], tuple(ids), tuple(evidence[root]))
        for root, ids in members.items()
        if len(ids) > 1
    ]
    return sorted(result, key=lambda group: (TIERS.index(group.tier), _id_order(group.member_ids[0])))


def choose_survivor(group: DuplicateGroup, counterparties: Iterable[CounterpartyView]) -> str:
    """The member to keep: the one with most transactions, then the oldest (lowest) id."""
    known = {c.id: c for c in counterparties}
    missing = [identifier for identifier in group.member_ids if identifier not in known]
    if missing:
        raise ValueError(f"counterparties not supplied for group members: {', '.join(missing)}")
    return min(group.member_ids, key=lambda i: (-(known[i].transactions_count or 0), _id_order(i)))


@dataclass(frozen=True, slots=True)
class FieldFill:
    """An empty field of the survivor that a merged record fills (API field name)."""

    field: str
    value: str
    source_id: str


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """A field where merged records disagree with the survivor; the survivor's value is kept."""

    field: str
    kept: str
    discarded: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class MergePreview:
    """What merging a group into its survivor would change, before anything is changed."""

    survivor_id: str
    merged_ids: tuple[str, ...]
    transactions_moving: int
    transactions_total: int
    bank_accounts: tuple[str, ...]
    new_bank_accounts: tuple[str, ...]
    fields_filled: tuple[FieldFill, ...]
    conflicts: tuple[FieldConflict, ...]


_MERGED_FIELDS = (
    ("type", "type"),
    ("tin", "tin"),
    ("clientTin", "client_tin"),
    ("supplierTin", "supplier_tin"),
    ("client", "client_id"),
    ("supplier", "supplier_id"),
    ("corporateWebsiteUrl", "corporate_website_url"),
    ("logoUrl", "logo_url"),
    ("defaultProject", "default_project"),
)
_TAX_FIELDS = frozenset({"tin", "clientTin", "supplierTin"})


def merge_preview(
    group: DuplicateGroup, counterparties: Iterable[CounterpartyView], survivor_id: str | None = None
) -> MergePreview:
    """Transactions that move, the union of bank accounts, the survivor's empty fields filled and conflicts."""
    records = list(counterparties)
    survivor_id = survivor_id or choose_survivor(group, records)
    if survivor_id not in group.member_ids:
        raise ValueError(f"survivor {survivor_id} is not a member of the group")
    known = {c.id: c for c in records}
    survivor = known[survivor_id]
    merged = [known[i] for i in group.member_ids if i != survivor_id]
    accounts = _account_union([survivor, *merged])
    own_accounts = set(_account_union([survivor]))
    fills: list[FieldFill] = []
    conflicts: list[FieldConflict] = []
    for api_field, attribute in _MERGED_FIELDS:
        kept = getattr(survivor, attribute)
        others = [(c.id, getattr(c, attribute)) for c in merged if getattr(c, attribute)]
        if not kept:
            if others:
                fills.append(FieldFill(api_field, others[0][1], others[0][0]))
            continue
        differing = tuple((i, v) for i, v in others if not _same_value(api_field, kept, v))
        if differing:
            conflicts.append(FieldConflict(api_field, kept, differing))
    moving = sum(c.transactions_count or 0 for c in merged)
    return MergePreview(
        survivor_id=survivor_id,
        merged_ids=tuple(c.id for c in merged),
        transactions_moving=moving,
        transactions_total=moving + (survivor.transactions_count or 0),
        bank_accounts=accounts,
        new_bank_accounts=tuple(a for a in accounts if a not in own_accounts),
        fields_filled=tuple(fills),
        conflicts=tuple(conflicts),
    )


def _account_union(records: Sequence[CounterpartyView]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for record in records:
        for account in record.bank_accounts:
            seen.setdefault(normalize_iban(account) or compact_iban(account), None)
    return tuple(seen)


def _same_value(api_field: str, a: str, b: str) -> bool:
    if api_field in _TAX_FIELDS:
        key_a, key_b = tax_key(a), tax_key(b)
        if key_a and key_b:
            return key_a == key_b
    return a.strip().casefold() == b.strip().casefold()
