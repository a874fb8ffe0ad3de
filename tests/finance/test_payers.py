"""Payments with no usable reference: a certain payer and a unique fit among its open invoices, or review.

The payer is certain only when the counterparty's NIP (any spelling) or bank account (any spacing) belongs to one
client and nothing points elsewhere. The payment's currency comes from the account it arrived in, matched to the
accounts the organisation's invoices are payable to (or configured); unknown is never PLN.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.matching import MatchIndex, Outcome, decide, reconcile_all
from flowtly_mcp.finance.matching.unique import unique_fit
from flowtly_mcp.finance.records import InvoiceView

from .builders import OUR_ACCOUNTS, client, counterparty, invoice, transaction

BETA_NIP = "5273180297"
BETA_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
GAMMA_IBAN = "PL10105000997603123456789123"
CLIENTS = [client(1, "ACME", "8567346215"), client(2, "Beta", BETA_NIP), client(3, "Gamma")]
COUNTERPARTIES = [
    counterparty(7, "Beta sp. z o.o.", tin=BETA_NIP, accounts=(BETA_IBAN,), client=2),
    counterparty(8, "Gamma", client=3),
    counterparty(9, "Gamma S.A.", accounts=(GAMMA_IBAN,), client=3),
]
BETA_CERTAIN = 'payer certain: counterparty NIP {} belongs to client 2 "Beta" and to no other client'


def index_of(*invoices: InvoiceView) -> MatchIndex:
    # No accounts configured: the currencies of the organisation's accounts come from the invoices themselves.
    return MatchIndex.build(invoices, CLIENTS, COUNTERPARTIES)


def beta(invoice_id: int, gross: str, *, currency: str = "PLN", due: str = "2026-10-15") -> InvoiceView:
    return invoice(invoice_id, f"FV/2026/10/{invoice_id:04d}", gross, client=2, currency=currency, due=due)


def chosen_ids(outcome: Outcome) -> tuple[str, ...]:
    assert outcome.status == "auto", outcome
    assert outcome.chosen is not None
    return outcome.chosen.invoice_ids


@pytest.mark.parametrize("written", ["5273180297", "527-318-02-97", "PL5273180297", "PL 527 318 02 97"])
def test_a_counterparty_nip_in_any_spelling_makes_the_payer_certain(written: str) -> None:
    index = index_of(beta(1, "1230.00"), beta(2, "500.00"), invoice(3, "FV/2026/10/0003", "1230.00", client=1))
    outcome = decide(transaction("txn_1", "1230.00", "Przelew za usługi", tin=written), index)
    assert chosen_ids(outcome) == ("1",)
    assert outcome.chosen is not None
    reasons = outcome.chosen.reasons
    assert reasons[0] == BETA_CERTAIN.format(written)
    assert reasons[1] == "no usable reference in the title"
    assert reasons[2] == (
        '1230.00 PLN among client 2 "Beta"\'s open PLN invoices: the only one of its 2 candidate open invoices '
        "with that amount; no 2 or 3 of them add up to it"
    )
    assert outcome.chosen.score == 150  # 50 payer + 40 amount + 10 date + 50 unique fit
    assert outcome.currency == "PLN"


@pytest.mark.parametrize("written", [BETA_IBAN, BETA_IBAN.replace(" ", ""), "61109010140000071219812874"])
def test_a_counterparty_account_with_or_without_spaces_makes_the_payer_certain(written: str) -> None:
    index = index_of(beta(1, "1230.00"), beta(2, "500.00"))
    outcome = decide(transaction("txn_1", "1230.00", "payment", account=written), index)
    assert chosen_ids(outcome) == ("1",)
    assert outcome.chosen is not None
    assert outcome.chosen.reasons[0] == (
        'payer certain: counterparty account PL61109010140000071219812874 belongs to client 2 "Beta" '
        "and to no other client"
    )


def test_a_counterparty_named_only_by_iri_is_read_from_its_own_record() -> None:
    index = index_of(beta(1, "1230.00"), beta(2, "500.00"))
    outcome = decide(transaction("txn_1", "1230.00", "payment", counterparty=7), index)
    assert chosen_ids(outcome) == ("1",)
    assert outcome.chosen is not None
    assert outcome.chosen.reasons[0] == (
        "payer certain: counterparty NIP 5273180297 and counterparty account PL61109010140000071219812874 "
        'belong to client 2 "Beta" and to no other client'
    )


def test_a_name_alone_is_never_certainty() -> None:
    index = index_of(beta(1, "1230.00"))
    outcome = decide(transaction("txn_1", "1230.00", "Beta sp. z o.o. przelew", name="Beta sp. z o.o."), index)
    assert outcome.status == "review"
    assert outcome.candidates[0].invoice_ids == ("1",)


def test_a_counterparty_link_alone_is_not_certainty() -> None:
    index = index_of(invoice(1, "FV/2026/10/0001", "77.00", client=3, tin=None))
    outcome = decide(transaction("txn_1", "77.00", "x", counterparty=8), index)
    assert outcome.status == "review"
    assert 'counterparty 8 is linked to client 3 "Gamma"' in outcome.candidates[0].reasons


def test_identifiers_pointing_at_two_clients_leave_the_payer_uncertain() -> None:
    index = index_of(beta(1, "1230.00"), invoice(2, "FV/2026/10/0002", "99.00", client=3, tin=None))
    outcome = decide(transaction("txn_1", "1230.00", "x", tin=BETA_NIP, account=GAMMA_IBAN), index)
    assert outcome.status == "review"
    assert any(
        reason.startswith("payer not certain: counterparty NIP 5273180297 belongs to") for reason in outcome.reasons
    )


def test_two_invoices_with_the_amount_or_a_single_and_a_combination_are_ambiguous() -> None:
    twice = index_of(beta(1, "300.00"), beta(2, "300.00"))
    assert decide(transaction("txn_1", "300.00", "x", tin=BETA_NIP), twice).status == "review"
    single_or_pair = index_of(beta(1, "300.00"), beta(2, "100.00"), beta(3, "200.00"))
    outcome = decide(transaction("txn_1", "300.00", "x", tin=BETA_NIP), single_or_pair)
    assert outcome.status == "review"
    assert any("more than one fit" in reason for reason in outcome.reasons)


@pytest.mark.parametrize(
    ("paid", "expected"),
    [("1370.00", ("1", "3", "4")), ("1270.00", ("3", "4")), ("1250.00", None)],
)
def test_two_or_three_invoices_whose_sum_fits_one_way_apply_automatically(
    paid: str, expected: tuple[str, ...] | None
) -> None:
    index = index_of(
        beta(1, "100.00", due="2026-10-01"),
        beta(2, "250.00", due="2026-10-02"),
        beta(3, "270.00", due="2026-10-03"),
        beta(4, "1000.00", due="2026-10-04"),
        beta(5, "150.00", due="2026-10-05"),
    )
    outcome = decide(transaction("txn_1", paid, "faktury", tin=BETA_NIP), index)
    if expected is None:  # 250 + 1000 and 100 + 150 + 1000: two fits, a person picks
        assert outcome.status == "review"
    else:
        assert chosen_ids(outcome) == expected


def test_a_combination_names_why_it_is_unique() -> None:
    index = index_of(beta(1, "100.00", due="2026-10-01"), beta(2, "250.00", due="2026-10-02"), beta(3, "400.00"))
    outcome = decide(transaction("txn_1", "500.00", "rozliczenie", tin=BETA_NIP), index)
    assert chosen_ids(outcome) == ("1", "3")
    assert outcome.chosen is not None
    assert [a.amount for a in outcome.chosen.allocations] == [Decimal("100.00"), Decimal("400.00")]
    assert (
        '500.00 PLN among client 2 "Beta"\'s open PLN invoices: the only combination of 2 of its 3 candidate open '
        "invoices that adds up to it (no single invoice, no other combination of 2 or 3)"
    ) in outcome.chosen.reasons


def test_an_amount_of_two_clients_from_an_unidentified_payer_is_never_applied() -> None:
    index = index_of(beta(1, "640.00"), invoice(2, "FV/2026/10/0002", "640.00", client=1))
    outcome = decide(transaction("txn_1", "640.00", "przelew"), index)
    assert outcome.status == "review"
    assert {c.invoice_ids for c in outcome.candidates} == {("1",), ("2",)}


def test_a_well_formed_invoice_number_that_does_not_exist_blocks_the_guess() -> None:
    index = index_of(beta(1, "1230.00"), beta(2, "500.00"))
    outcome = decide(transaction("txn_1", "1230.00", "Zapłata FV/2026/10/0917", tin=BETA_NIP), index)
    assert outcome.status == "review"
    assert (
        "the title names FV/2026/10/0917, shaped like the organisation's invoice numbers but neither an open nor "
        "a settled invoice"
    ) in outcome.reasons


def test_eur_into_the_eur_account_pays_eur_invoices_and_never_pln_ones() -> None:
    index = index_of(beta(1, "6433.21", currency="EUR"), beta(2, "2000.00"), beta(3, "1000.00", currency="EUR"))
    eur = decide(transaction("txn_1", "6433.21", "payment", currency="EUR", tin=BETA_NIP), index)
    assert chosen_ids(eur) == ("1",)
    assert eur.currency == "EUR"
    assert eur.chosen is not None and eur.chosen.allocations[0].amount == Decimal("6433.21")
    assert eur.chosen.allocations[0].remainder == 0
    # 2000.00 EUR equals a PLN invoice in figures; with no documented rate it is not even a candidate.
    cross = decide(transaction("txn_2", "2000.00", "payment", currency="EUR", tin=BETA_NIP), index)
    assert cross.status == "no_match"


def test_an_unknown_currency_is_never_pln_and_never_applied() -> None:
    index = index_of(beta(1, "1230.00"))
    outcome = decide(transaction("txn_1", "1230.00", "FV/2026/10/0001", tin=BETA_NIP, bankAccount=GAMMA_IBAN), index)
    assert outcome.status == "review"
    assert outcome.currency is None
    assert outcome.reasons[0] == (
        "the payment's currency is unknown: account PL10105000997603123456789123 is not one the organisation's "
        "invoices are payable to; configure the account's currency"
    )
    configured = MatchIndex.build([beta(1, "1230.00")], CLIENTS, COUNTERPARTIES, accounts={GAMMA_IBAN: "PLN"})
    assert (
        decide(transaction("txn_2", "1230.00", "x", tin=BETA_NIP, bankAccount=GAMMA_IBAN), configured).status == "auto"
    )


def test_an_account_whose_invoices_disagree_on_currency_has_no_currency() -> None:
    pln = beta(1, "100.00")
    eur_on_pln_account = invoice(
        2, "FV/2026/10/0002", "100.00", client=2, currency="EUR", bankAccount=OUR_ACCOUNTS["PLN"]
    )
    index = index_of(pln, eur_on_pln_account)
    outcome = decide(transaction("txn_1", "100.00", "x", tin=BETA_NIP), index)
    assert outcome.status == "review"
    assert "invoices payable to account PL61109010140000071219812874 are in several currencies" in outcome.reasons[0]


def test_configured_accounts_must_be_ibans_with_iso_currencies() -> None:
    with pytest.raises(ValueError, match="accounts: 'PLN' is not a valid IBAN"):
        MatchIndex.build([], accounts={"PLN": OUR_ACCOUNTS["PLN"]})
    with pytest.raises(ValueError, match="must be an ISO code"):
        MatchIndex.build([], accounts={GAMMA_IBAN: "zloty"})


def test_a_client_with_too_many_candidate_invoices_gets_no_proof() -> None:
    many = [beta(n, f"{n}.00") for n in range(1, 80)]
    index = index_of(*many)
    outcome = decide(transaction("txn_1", "5000.00", "x", tin=BETA_NIP), index)
    assert outcome.status != "auto"
    assert any("too many to prove one fit" in reason for reason in outcome.reasons)


def test_a_plan_applies_unique_fits_once() -> None:
    index = index_of(beta(1, "1230.00"), beta(2, "500.00"))
    plan = reconcile_all(
        [
            transaction("txn_1", "1230.00", "x", tin=BETA_NIP, day="2026-10-20"),
            transaction("txn_2", "1230.00", "x", tin=BETA_NIP, day="2026-10-21"),
        ],
        index,
    )
    assert [outcome.status for outcome in plan.outcomes] == ["auto", "review"]


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=40), min_size=0, max_size=9),
    target=st.integers(min_value=1, max_value=100),
)
def test_a_unique_fit_is_exactly_what_brute_force_finds(amounts: list[int], target: int) -> None:
    pool = [beta(n, f"{amount}.00") for n, amount in enumerate(amounts, start=1)]
    every = [
        combo
        for size in (1, 2, 3)
        for combo in combinations(pool, size)
        if sum(invoice.open for invoice in combo) == target
    ]
    fit = unique_fit(pool, Decimal(target))
    if len(every) == 1:
        assert fit.invoices == every[0]
    else:
        assert fit.invoices is None
        assert fit.fits == min(len(every), 2)
