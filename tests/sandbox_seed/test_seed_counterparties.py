"""The planted duplicate groups are exactly the groups the records form, and the look-alike pair is not one."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from flowtly_mcp.sandbox.seed import DuplicateTier, GroundTruth

from .support import Dataset, compact_tin, normalize_name


def _shared(data: Dataset, key: str) -> dict[str, set[int]]:
    """Values shared by two or more counterparties, for one kind of evidence."""
    owners: dict[str, set[int]] = defaultdict(set)
    for counterparty in data["counterparties"]:
        if key == "tin":
            tin = compact_tin(counterparty["tin"])
            values = [tin] if tin else []
        elif key == "iban":
            values = counterparty["bankAccounts"]
        else:
            values = [normalize_name(counterparty["displayName"])]
        for value in values:
            owners[value].add(counterparty["id"])
    return {value: ids for value, ids in owners.items() if len(ids) > 1}


def test_tax_number_groups(data: Dataset, truth: GroundTruth) -> None:
    (certain,) = [g for g in truth.duplicate_groups if g.tier is DuplicateTier.CERTAIN]
    assert _shared(data, "tin") == {certain.shared_value: set(certain.member_ids)}
    spellings = {c["tin"] for c in data["counterparties"] if c["id"] in certain.member_ids}
    assert len(spellings) == 3
    assert any("-" in s for s in spellings) and any(s.startswith("PL ") for s in spellings)


def test_bank_account_groups(data: Dataset, truth: GroundTruth) -> None:
    (strong,) = [g for g in truth.duplicate_groups if g.tier is DuplicateTier.STRONG]
    assert _shared(data, "iban") == {strong.shared_value: set(strong.member_ids)}
    records = [c for c in data["counterparties"] if c["id"] in strong.member_ids]
    assert len({normalize_name(c["displayName"]) for c in records}) == len(records)
    assert len({compact_tin(c["tin"]) for c in records if c["tin"]}) <= 1


def test_name_groups_and_the_look_alike_trap(data: Dataset, truth: GroundTruth) -> None:
    (candidate,) = [g for g in truth.duplicate_groups if g.tier is DuplicateTier.CANDIDATE]
    (certain,) = [g for g in truth.duplicate_groups if g.tier is DuplicateTier.CERTAIN]
    (trap,) = truth.non_duplicate_pairs
    trap_ids = {trap.first_id, trap.second_id}
    shared = _shared(data, "name")
    # Name evidence: the candidate group, the trap pair, and spellings inside the certain group.
    assert set(candidate.member_ids) in shared.values()
    assert trap_ids in shared.values()
    assert all(
        ids in (set(candidate.member_ids), trap_ids) or ids <= set(certain.member_ids) for ids in shared.values()
    )
    records = {c["id"]: c for c in data["counterparties"]}
    candidate_tins = {compact_tin(records[i]["tin"]) for i in candidate.member_ids} - {None}
    assert len(candidate_tins) <= 1
    first, second = (records[i] for i in sorted(trap_ids))
    assert first["tin"] and second["tin"] and compact_tin(first["tin"]) != compact_tin(second["tin"])
    assert first["displayName"] != second["displayName"]
    grouped = {i for group in truth.duplicate_groups for i in group.member_ids}
    assert not trap_ids & grouped


def test_groups_are_disjoint_and_members_have_history(data: Dataset, truth: GroundTruth) -> None:
    members = [i for group in truth.duplicate_groups for i in group.member_ids]
    assert len(members) == len(set(members)) == 3 + 2 + 3
    for a, b in combinations(truth.duplicate_groups, 2):
        assert not set(a.member_ids) & set(b.member_ids)
    paid = {t["counterparty"] for t in data["transactions"] if t["counterparty"]}
    assert all(f"/api/counterparties/{i}" in paid for i in members)


def test_every_client_is_a_counterparty(data: Dataset) -> None:
    """Each with its client's NIP (spelled any way) or, for some planted payers, only the client's account."""
    linked = {c["client"]: c for c in data["counterparties"] if c["client"]}
    for client in data["clients"]:
        counterparty = linked[f"/api/clients/{client['id']}"]
        assert counterparty["tin"] == counterparty["clientTin"]
        assert counterparty["tin"] is None or compact_tin(counterparty["tin"]) == compact_tin(client["tin"])
        assert counterparty["tin"] or counterparty["bankAccounts"], counterparty
        assert counterparty["displayName"] == client["name"]
    suppliers = [c for c in data["counterparties"] if c["client"] is None]
    assert len(suppliers) >= 20
    assert {c["type"] for c in suppliers} == {"company", "person"}
