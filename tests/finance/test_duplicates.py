"""Duplicate counterparties: tiers, evidence, transitive groups, the different-NIP trap, survivor and preview."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.duplicates import (
    DuplicateGroup,
    Evidence,
    choose_survivor,
    find_duplicate_groups,
    merge_preview,
)
from flowtly_mcp.finance.names import normalize_company_name
from flowtly_mcp.finance.records import CounterpartyView

from .builders import counterparty

ACME_NIP = "8567346215"
ACCOUNT = "PL61 1090 1014 0000 0712 1981 2874"
ACCOUNT_KEY = "PL61109010140000071219812874"


def groups_of(*records: CounterpartyView) -> list[tuple[str, tuple[str, ...]]]:
    return [(group.tier, group.member_ids) for group in find_duplicate_groups(records)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ACME Sp. z o.o.", "acme"),
        ("Acme sp z oo", "acme"),
        ("ACME Spółka z ograniczoną odpowiedzialnością", "acme"),
        ("ACME S.A.", "acme"),
        ("Kowalski i Wspólnicy sp.j.", "kowalski i wspolnicy"),
        ("Foo sp. z o.o. sp.k.", "foo"),
        ("Łódź Trans P.S.A.", "lodz trans"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Big Ltd.", "big"),
        ("  ", ""),
        (None, ""),
        ("S.A.", "s a"),  # never strip a name down to nothing
    ],
)
def test_company_names_lose_case_accents_punctuation_and_legal_form(name: str | None, expected: str) -> None:
    assert normalize_company_name(name) == expected


def test_same_nip_in_any_spelling_is_certain() -> None:
    groups = find_duplicate_groups(
        [
            counterparty(1, "ACME Sp. z o.o.", tin=ACME_NIP),
            counterparty(2, "Totally different name", tin="PL 856-734-62-15"),
            counterparty(3, "Unrelated", tin="5273180297"),
        ]
    )
    assert groups == [
        DuplicateGroup("certain", ("1", "2"), (Evidence("certain", "tax_id", "PL" + ACME_NIP, ("1", "2")),))
    ]


def test_nip_in_client_tin_field_counts_too() -> None:
    other = counterparty(2, "B", clientTin=ACME_NIP)
    assert groups_of(counterparty(1, "A", tin=ACME_NIP), other) == [("certain", ("1", "2"))]


def test_invalid_nips_are_not_evidence() -> None:
    assert groups_of(counterparty(1, "A", tin="8567346216"), counterparty(2, "B", tin="8567346216")) == []


def test_same_bank_account_is_strong() -> None:
    groups = find_duplicate_groups(
        [
            counterparty(10, "Kowalski Transport", accounts=(ACCOUNT,)),
            counterparty(11, "K. Transport", accounts=("61109010140000071219812874",)),  # the NRB, no prefix
        ]
    )
    assert groups == [
        DuplicateGroup("strong", ("10", "11"), (Evidence("strong", "bank_account", ACCOUNT_KEY, ("10", "11")),))
    ]


def test_same_normalised_name_is_a_candidate() -> None:
    groups = find_duplicate_groups([counterparty(20, "Zeta S.A."), counterparty(21, "ZETA SA")])
    assert groups == [DuplicateGroup("candidate", ("20", "21"), (Evidence("candidate", "name", "zeta", ("20", "21")),))]


def test_nearly_identical_names_are_candidates_with_their_score() -> None:
    groups = find_duplicate_groups(
        [counterparty(30, "Przedsiębiorstwo Handlowe Omega"), counterparty(31, "Przedsiebiorstwo Handlowe Omegaa")]
    )
    assert [(g.tier, g.member_ids) for g in groups] == [("candidate", ("30", "31"))]
    assert groups[0].evidence[0].kind == "similar_name"
    assert groups[0].evidence[0].value == "przedsiebiorstwo handlowe omega ~ przedsiebiorstwo handlowe omegaa (98%)"


def test_different_names_or_short_names_are_not_candidates() -> None:
    assert groups_of(counterparty(1, "Alpha Logistics"), counterparty(2, "Beta Logistics")) == []
    assert groups_of(counterparty(1, "ABCD"), counterparty(2, "ABCE")) == []


def test_trap_similar_names_with_different_valid_nips_are_not_grouped() -> None:
    records = [
        counterparty(40, "Delta sp. z o.o.", tin="5273180297"),
        counterparty(41, "Delta S.A.", tin="5265877635"),
        counterparty(42, "DELTA"),  # could be either: the shared name is contested, so it joins neither
        counterparty(43, "Deltaa sp. z o.o.", tin=ACME_NIP),  # nearly identical, yet a third company
    ]
    assert groups_of(*records) == []


def test_trap_shared_account_with_different_valid_nips_is_not_grouped() -> None:
    records = [
        counterparty(1, "A", tin="5273180297", accounts=(ACCOUNT,)),
        counterparty(2, "B", tin=ACME_NIP, accounts=(ACCOUNT,)),
    ]
    assert groups_of(*records) == []


def test_links_are_transitive_and_the_group_tier_is_its_weakest_link() -> None:
    groups = find_duplicate_groups(
        [
            counterparty(50, "Sigma", tin=ACME_NIP, accounts=(ACCOUNT,)),
            counterparty(51, "Sigma Group", accounts=(ACCOUNT,)),
            counterparty(52, "Sigma Group sp. z o.o."),
        ]
    )
    assert len(groups) == 1
    group = groups[0]
    assert (group.tier, group.member_ids) == ("candidate", ("50", "51", "52"))
    assert {(e.kind, e.member_ids) for e in group.evidence} == {
        ("bank_account", ("50", "51")),
        ("name", ("51", "52")),
    }


def test_a_pair_linked_at_several_tiers_counts_at_the_highest() -> None:
    groups = find_duplicate_groups(
        [
            counterparty(60, "Same", tin=ACME_NIP, accounts=(ACCOUNT,)),
            counterparty(61, "Same", tin=ACME_NIP, accounts=(ACCOUNT,)),
        ]
    )
    assert [(g.tier, g.member_ids) for g in groups] == [("certain", ("60", "61"))]
    assert [e.tier for e in groups[0].evidence] == ["certain", "strong", "candidate"]


def test_groups_are_sorted_by_tier_and_every_member_appears_once() -> None:
    records = [
        counterparty(20, "Zeta S.A."),
        counterparty(21, "ZETA SA"),
        counterparty(10, "Kowalski", accounts=(ACCOUNT,)),
        counterparty(11, "K.", accounts=(ACCOUNT,)),
        counterparty(1, "ACME", tin=ACME_NIP),
        counterparty(2, "ACME", tin=ACME_NIP),
    ]
    assert groups_of(*records) == [("certain", ("1", "2")), ("strong", ("10", "11")), ("candidate", ("20", "21"))]


@given(
    st.lists(st.sampled_from(["Acme", "ACME sp. z o.o.", "Beta", "Acme S.A.", "Gamma sp.j."]), max_size=12),
    st.lists(st.sampled_from([None, ACME_NIP, "5273180297", "5265877635"]), min_size=12, max_size=12),
)
def test_groups_partition_and_never_mix_tax_numbers(names: list[str], tins: list[str | None]) -> None:
    records = [counterparty(i, name, tin=tins[i]) for i, name in enumerate(names)]
    groups = find_duplicate_groups(records)
    members = [m for g in groups for m in g.member_ids]
    assert len(members) == len(set(members))
    by_id = {r.id: r for r in records}
    for group in groups:
        assert len(group.member_ids) >= 2
        assert len({by_id[m].tin for m in group.member_ids} - {None}) <= 1


def test_survivor_has_most_transactions_then_the_oldest_id() -> None:
    records = [
        counterparty(9, "A", transactions=5),
        counterparty(10, "A", transactions=12),
        counterparty(11, "A", transactions=12),
    ]
    group = DuplicateGroup("candidate", ("9", "10", "11"), ())
    assert choose_survivor(group, records) == "10"
    tied = [counterparty(9, "A", transactions=None), counterparty(10, "A", transactions=0)]
    assert choose_survivor(DuplicateGroup("candidate", ("9", "10"), ()), tied) == "9"
    with pytest.raises(ValueError, match="not supplied"):
        choose_survivor(group, records[:1])


def test_merge_preview_shows_what_moves_fills_and_conflicts() -> None:
    records = [
        counterparty(
            1,
            "ACME Sp. z o.o.",
            tin=ACME_NIP,
            accounts=(ACCOUNT,),
            client=3,
            transactions=5,
            corporateWebsiteUrl="https://acme.example",
        ),
        counterparty(
            2,
            "Acme sp z oo",
            tin="PL 856-734-62-15",
            accounts=("BE31435411161155", ACCOUNT_KEY),
            client=4,
            transactions=10,
        ),
    ]
    group = find_duplicate_groups(records)[0]
    preview = merge_preview(group, records)
    assert preview.survivor_id == "2"
    assert preview.merged_ids == ("1",)
    assert (preview.transactions_moving, preview.transactions_total) == (5, 15)
    assert preview.bank_accounts == ("BE31435411161155", ACCOUNT_KEY)
    assert preview.new_bank_accounts == ()
    assert [(f.field, f.value, f.source_id) for f in preview.fields_filled] == [
        ("corporateWebsiteUrl", "https://acme.example", "1")
    ]
    # The NIPs are one number written two ways: no conflict. The client links differ: the survivor's is kept.
    assert [(c.field, c.kept, c.discarded) for c in preview.conflicts] == [("client", "4", (("1", "3"),))]


def test_merge_preview_with_a_chosen_survivor() -> None:
    records = [counterparty(1, "X", accounts=(ACCOUNT,), transactions=1), counterparty(2, "X", transactions=9)]
    group = DuplicateGroup("candidate", ("1", "2"), ())
    preview = merge_preview(group, records, survivor_id="1")
    assert (preview.survivor_id, preview.merged_ids, preview.transactions_moving) == ("1", ("2",), 9)
    assert preview.new_bank_accounts == ()
    reverse = merge_preview(group, records, survivor_id="2")
    assert reverse.new_bank_accounts == (ACCOUNT_KEY,)
    with pytest.raises(ValueError, match="not a member"):
        merge_preview(group, records, survivor_id="3")
