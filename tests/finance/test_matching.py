"""Reconciliation: each signal's points, partial and over-payments, several invoices, currencies, plans.

Points: reference +100 (leading zeros differ +90, one typo +60); payer is the invoice's client +50, someone else
−50; amount equals the open amount +40 (converted within 0.5% +30); issued within 90 days before / 20 after the
payment +10. Auto-apply needs exactly one candidate at 140 or more. Transactions are dated 2026-10-20 and
invoices issued 2026-10-01 unless a test says otherwise, so the date signal usually adds 10.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.matching import Allocation, Candidate, MatchIndex, Plan, decide, reconcile_all, suggest_matches
from flowtly_mcp.finance.records import InvoiceView

from .builders import CONFIGURED_ACCOUNTS, client, counterparty, invoice, transaction

BETA_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
ACME_NIP = "8567346215"
BETA_NIP = "5273180297"
CLIENTS = [client(1, "ACME", ACME_NIP), client(2, "Beta", BETA_NIP), client(3, "Gamma")]
COUNTERPARTIES = [
    counterparty(7, "Beta sp. z o.o.", accounts=(BETA_IBAN,), client=2),
    counterparty(8, "Gamma", client=3),
]


def index_of(*invoices: InvoiceView, closed: tuple[str, ...] = ()) -> MatchIndex:
    # The organisation's accounts are configured here; deriving them from invoices is tested in test_payers.py.
    return MatchIndex.build(
        invoices, CLIENTS, COUNTERPARTIES, closed_invoice_numbers=closed, accounts=CONFIGURED_ACCOUNTS
    )


def single(candidate: Candidate) -> Allocation:
    assert len(candidate.allocations) == 1
    return candidate.allocations[0]


def test_split_payment_with_payer_nip_and_exact_amount_scores_everything() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1))
    txn = transaction("txn_1", "1230.00", f"/VAT/230,00/IDC/{ACME_NIP}/INV/FV/2026/10/0012/TXT/thanks")
    outcome = decide(txn, index)
    assert outcome.status == "auto"
    best = outcome.chosen
    assert best is not None
    assert best.score == 200  # 100 reference + 50 payer + 40 amount + 10 date
    assert best.confidence == 1.0
    assert single(best) == Allocation("1", "FV/2026/10/0012", Decimal("1230.00"), "PLN", Decimal(0))
    assert best.excess == 0
    assert best.reasons == (
        'split-payment /INV/ names invoice "FV/2026/10/0012"',
        f'split-payment /IDC/ NIP {ACME_NIP} belongs to client 1 "ACME"',
        "issued 2026-10-01, within the payment's date window",
        "amount equals the open amount",
    )


def test_number_in_free_text_with_other_separators_and_case() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00"))
    outcome = decide(transaction("txn_1", "1230.00", "Zapłata za fv 2026-10-0012, dziękuję"), index)
    assert outcome.status == "auto"
    assert outcome.candidates[0].score == 150  # 100 + 40 + 10; payer unknown
    assert outcome.candidates[0].reasons[0] == 'title names invoice "fv 2026-10-0012"'


def test_number_without_leading_zeros_is_a_loose_reference() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00"))
    outcome = decide(transaction("txn_1", "1230.00", "FV/2026/10/12"), index)
    assert outcome.candidates[0].score == 140  # 90 + 40 + 10: just enough
    assert outcome.status == "auto"
    assert "apart from leading zeros" in outcome.candidates[0].reasons[0]


def test_one_typo_is_found_with_lower_confidence() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "500.00", client=2))
    outcome = decide(transaction("txn_1", "500.00", "FV/2026/10/0O12", account=BETA_IBAN), index)
    best = outcome.candidates[0]
    assert best.score == 160  # 60 typo + 50 payer (account) + 40 + 10
    assert best.confidence == 0.8
    assert outcome.status == "auto"
    assert best.reasons[0] == 'title has "FV/2026/10/0O12", one character away from invoice FV/2026/10/0012'
    assert best.reasons[1] == 'sender account PL61109010140000071219812874 belongs to client 2 "Beta"'


def test_a_typo_one_away_from_two_invoices_is_ambiguous_not_auto() -> None:
    index = index_of(
        invoice(1, "FV/2026/10/0012", "500.00", client=2),
        invoice(2, "FV/2026/10/0013", "500.00", client=2),
    )
    outcome = decide(transaction("txn_1", "500.00", "FV/2026/10/0014", account=BETA_IBAN), index)
    assert outcome.status == "review"
    assert [c.score for c in outcome.candidates] == [160, 160]
    assert {c.invoice_ids for c in outcome.candidates} == {("1",), ("2",)}
    assert outcome.reasons[0] == "2 candidates score at least 140: ambiguous, pick one"


def test_an_exact_number_is_never_outvoted_by_its_typo_neighbour() -> None:
    index = index_of(
        invoice(1, "FV/2026/10/0012", "500.00", client=2),
        invoice(2, "FV/2026/10/0013", "500.00", client=2),
    )
    outcome = decide(transaction("txn_1", "500.00", "FV/2026/10/0012", account=BETA_IBAN), index)
    assert outcome.status == "auto"
    assert [(c.invoice_ids, c.score) for c in outcome.candidates] == [(("1",), 200), (("2",), 100)]


def test_a_settled_invoice_named_in_the_title_blocks_the_typo_guess() -> None:
    open_invoice = invoice(1, "FV/2026/10/0012", "500.00", client=2)
    title = "FV/2026/10/0011"
    guessed = decide(transaction("txn_1", "500.00", title), index_of(open_invoice))
    assert guessed.candidates[0].score == 110  # 60 typo + 40 + 10
    informed = decide(transaction("txn_1", "500.00", title), index_of(open_invoice, closed=("FV/2026/10/0011",)))
    assert informed.status == "review"
    assert informed.candidates[0].score == 50  # the amount and the date only
    assert "the title names FV/2026/10/0011, which is no longer open" in informed.reasons


def test_partial_payment_with_a_clear_reference_allocates_everything_and_states_the_remainder() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1))
    txn = transaction("txn_1", "500.00", f"/VAT/93,50/IDC/{ACME_NIP}/INV/FV/2026/10/0012")
    outcome = decide(txn, index)
    assert outcome.status == "auto"
    best = outcome.candidates[0]
    assert best.score == 160  # 100 + 50 + 10, no amount points
    assert single(best) == Allocation("1", "FV/2026/10/0012", Decimal("500.00"), "PLN", Decimal("730.00"))
    assert best.reasons[-1] == "partial payment: 500.00 PLN of 1230.00 PLN open; 730.00 PLN stays open"


def test_over_payment_allocates_the_open_amount_and_reports_the_excess_as_credit() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1, paid=("230.00",)))
    outcome = decide(transaction("txn_1", "1070.00", f"/VAT/0/IDC/{ACME_NIP}/INV/FV/2026/10/0012"), index)
    best = outcome.candidates[0]
    assert outcome.status == "auto"
    assert single(best) == Allocation("1", "FV/2026/10/0012", Decimal("1000.00"), "PLN", Decimal(0))
    assert best.excess == Decimal("70.00")
    assert "70.00 PLN excess to keep as a credit" in best.reasons[-1]


def beta_invoices() -> list[InvoiceView]:
    return [
        invoice(11, "FV/2026/10/0101", "100.00", client=2, due="2026-10-05"),
        invoice(12, "FV/2026/10/0102", "250.00", client=2, due="2026-10-10"),
        invoice(13, "FV/2026/10/0103", "300.00", client=2, due="2026-10-12"),
        invoice(14, "FV/2026/10/0104", "400.00", client=2, due="2026-10-20"),
    ]


def test_several_invoices_of_the_payer_summing_exactly_oldest_first() -> None:
    index = index_of(*beta_invoices())
    outcome = decide(transaction("txn_1", "650.00", "payment", account=BETA_IBAN), index)
    # 100 + 250 + 300 is the first exact combination in oldest-first order (250 + 400 would also do).
    assert outcome.status == "review"
    best = outcome.candidates[0]
    assert best.invoice_ids == ("11", "12", "13")
    assert [a.amount for a in best.allocations] == [Decimal("100.00"), Decimal("250.00"), Decimal("300.00")]
    assert best.score == 100  # 50 payer + 40 exact sum + 10 dates; no reference, so never automatic
    assert "3 open invoices total exactly 650.00 PLN, oldest first" in best.reasons


def test_several_invoices_named_in_the_title_summing_exactly_apply_automatically() -> None:
    index = index_of(invoice(1, "FV/1/2026", "100.00"), invoice(2, "FV/2/2026", "23.45"))
    outcome = decide(transaction("txn_1", "123.45", "FV/1/2026 + FV/2/2026"), index)
    assert outcome.status == "auto"
    best = outcome.candidates[0]
    assert best.invoice_ids == ("1", "2")
    assert best.score == 150  # 100 references + 40 exact sum + 10 dates
    # Each alone would be an over-payment, which the title's other reference contradicts: not offered.
    assert outcome.candidates[1:] == ()


def test_named_invoices_of_a_known_payer_summing_exactly_are_one_candidate_not_three() -> None:
    index = index_of(invoice(1, "FV/1/2026", "100.00", client=2), invoice(2, "FV/2/2026", "23.45", client=2))
    outcome = decide(transaction("txn_1", "123.45", "FV/1/2026 + FV/2/2026", account=BETA_IBAN), index)
    assert outcome.status == "auto"
    assert [c.invoice_ids for c in outcome.candidates] == [("1", "2")]
    assert outcome.candidates[0].score == 200  # 100 references + 50 payer + 40 exact sum + 10 dates


def test_no_combination_means_no_match_and_says_why() -> None:
    index = index_of(*beta_invoices()[:2])
    outcome = decide(transaction("txn_1", "999.00", "payment", account=BETA_IBAN), index)
    assert outcome.status == "no_match"
    assert outcome.candidates == ()
    assert outcome.reasons == (
        "no invoice number or split-payment reference to an open invoice found in the title",
        "no single open invoice for 999.00 PLN",
        'client 2 "Beta" has open invoices in PLN, but neither one of them nor a combination of up to 4 of the '
        "2 oldest equals 999.00 PLN",
    )


def test_eur_payment_for_eur_invoice_matches_directly() -> None:
    index = index_of(invoice(1, "INV-2026-0007", "1000.00", currency="EUR", rate="4.30"))
    outcome = decide(transaction("txn_1", "1000.00", "INV-2026-0007", currency="EUR"), index)
    assert outcome.status == "auto"
    assert outcome.candidates[0].score == 150
    assert single(outcome.candidates[0]).currency == "EUR"


@pytest.mark.parametrize(
    ("paid_pln", "score", "applied_eur", "remainder_eur", "excess_pln"),
    [
        ("4300.00", 140, "1000.00", "0", "0"),  # 1000 × 4.30 exactly: 100 + 30 + 10
        ("4321.50", 140, "1000.00", "0", "0"),  # 0.5% above is still the same amount
        ("4278.50", 140, "1000.00", "0", "0"),  # 0.5% below too
        ("4400.00", 110, "1000.00", "0", "100.00"),  # 2.3% above: over-payment, 100.00 PLN credit
        ("2150.00", 110, "500.00", "500.00", "0"),  # half: 2150 / 4.30 = 500.00 EUR applied
    ],
)
def test_pln_payment_for_eur_invoice_converts_at_the_invoice_rate(
    paid_pln: str, score: int, applied_eur: str, remainder_eur: str, excess_pln: str
) -> None:
    index = index_of(invoice(1, "INV-2026-0007", "1000.00", currency="EUR", rate="4.30"))
    best = decide(transaction("txn_1", paid_pln, "INV-2026-0007"), index).candidates[0]
    assert best.score == score
    assert single(best).amount == Decimal(applied_eur)
    assert single(best).remainder == Decimal(remainder_eur)
    assert best.excess == Decimal(excess_pln)


def test_converted_amount_alone_is_a_suggestion_for_review() -> None:
    index = index_of(invoice(1, "INV-2026-0007", "1000.00", currency="EUR", rate="4.30"))
    outcome = decide(transaction("txn_1", "4300.00", "transfer"), index)
    assert outcome.status == "review"
    assert outcome.candidates[0].score == 40  # 30 converted amount + 10 date
    assert "amount matches 1000.00 EUR open × rate 4.30 = 4300.00 PLN within 0.5%" in outcome.candidates[0].reasons


def test_no_conversion_rate_means_no_comparison() -> None:
    index = index_of(invoice(1, "INV-2026-0007", "1000.00", currency="EUR"))
    outcome = decide(transaction("txn_1", "4300.00", "INV-2026-0007"), index)
    assert outcome.status == "no_match"
    assert "invoice INV-2026-0007 is in EUR and the payment in PLN, with no conversion rate between them" in (
        outcome.reasons
    )


def test_payer_of_another_client_costs_points() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1))
    outcome = decide(transaction("txn_1", "1230.00", "FV/2026/10/0012", account=BETA_IBAN), index)
    best = outcome.candidates[0]
    assert best.score == 100  # 100 - 50 + 40 + 10
    assert outcome.status == "review"
    assert 'payer is client 2 "Beta", but the invoice is billed to client 1 "ACME"' in best.reasons


def test_counterparty_link_and_buyer_nip_identify_the_payer() -> None:
    index = index_of(invoice(1, "FV/9", "77.00", client=3, tin=None), invoice(2, "FV/10", "88.00", client=None))
    by_link = decide(transaction("txn_1", "77.00", "x", counterparty=8), index).candidates[0]
    assert by_link.score == 100  # 50 + 40 + 10
    assert 'counterparty 8 is linked to client 3 "Gamma"' in by_link.reasons
    by_nip = decide(transaction("txn_2", "88.00", f"/VAT/0/IDC/{ACME_NIP}/TXT/x"), index).candidates[0]
    assert by_nip.invoice_ids == ("2",)
    assert f"payer NIP equals the invoice's buyer NIP {ACME_NIP}" in by_nip.reasons


@pytest.mark.parametrize(
    ("issued", "score"),
    [("2026-07-22", 150), ("2026-07-21", 140), ("2026-11-09", 150), ("2026-11-10", 140)],
)
def test_date_window_is_90_days_before_to_20_days_after_the_payment(issued: str, score: int) -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "10.00", issued=issued))
    assert decide(transaction("txn_1", "10.00", "FV/2026/10/0012"), index).candidates[0].score == score


@pytest.mark.parametrize(
    ("amount", "extra", "reason"),
    [
        ("-50.00", {}, "outgoing or zero amount: only money received is matched to sales invoices"),
        ("0", {}, "outgoing or zero amount: only money received is matched to sales invoices"),
        ("50.00", {"ignored": 1}, "the transaction is marked as ignored"),
    ],
)
def test_outgoing_zero_and_ignored_transactions_are_not_matched(
    amount: str, extra: dict[str, Any], reason: str
) -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "50.00"))
    outcome = decide(transaction("txn_1", amount, "FV/2026/10/0012", **extra), index)
    assert (outcome.status, outcome.reasons) == ("no_match", (reason,))


def test_an_amount_shared_by_many_invoices_is_not_a_suggestion() -> None:
    many = [invoice(i, f"FV/{i}/2026", "100.00", client=None) for i in range(1, 12)]
    outcome = decide(transaction("txn_1", "100.00", "transfer"), index_of(*many))
    assert outcome.status == "no_match"
    assert any(r.startswith("11 open invoices share the amount 100.00 PLN") for r in outcome.reasons)
    few = decide(transaction("txn_1", "100.00", "transfer"), index_of(*many[:2]))
    assert few.status == "review"
    assert [c.score for c in few.candidates] == [50, 50]


def test_drafts_and_settled_invoices_are_not_indexed() -> None:
    index = index_of(
        invoice(1, "FV/2026/10/0012", "100.00", status="draft"),
        invoice(2, "FV/2026/10/0013", "100.00", paid=("100.00",)),
    )
    assert index.invoices == {}
    assert decide(transaction("txn_1", "100.00", "FV/2026/10/0012"), index).status == "no_match"


def test_suggest_matches_ranks_best_first_and_respects_the_limit() -> None:
    many = [invoice(i, f"FV/{i}/2026", "100.00", client=None) for i in range(1, 5)]
    index = index_of(*many)
    ranked = suggest_matches(transaction("txn_1", "100.00", "FV/3/2026"), index, limit=2)
    assert [(c.invoice_ids, c.score) for c in ranked] == [(("3",), 150), (("1",), 50)]


def test_plan_never_pays_one_invoice_twice() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1))
    first = transaction("txn_1", "1230.00", "FV/2026/10/0012", day="2026-10-20")
    repeat = transaction("txn_2", "1230.00", "FV/2026/10/0012", day="2026-10-21")
    plan = reconcile_all([repeat, first], index, auto_threshold=140)
    assert isinstance(plan, Plan)
    assert [o.transaction_id for o in plan.outcomes] == ["txn_2", "txn_1"]  # input order kept
    assert [o.status for o in plan.outcomes] == ["review", "auto"]  # the earlier payment wins
    assert (
        plan.outcomes[0].reasons[0]
        == "invoice FV/2026/10/0012 is already settled by transaction txn_1 earlier in this plan"
    )
    assert plan.counts == {"auto": 1, "review": 1, "no_match": 0}


def test_plan_lets_partial_payments_add_up() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1))
    title = f"/VAT/0/IDC/{ACME_NIP}/INV/FV/2026/10/0012"
    plan = reconcile_all(
        [
            transaction("txn_1", "600.00", title, day="2026-10-20"),
            transaction("txn_2", "630.00", title, day="2026-10-25"),
        ],
        index,
    )
    assert [o.status for o in plan.outcomes] == ["auto", "auto"]
    assert len(plan.with_status("auto")) == 2


def test_plan_threshold_is_configurable() -> None:
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00"))
    txn = transaction("txn_1", "1230.00", "FV/2026/10/0012")  # scores 150
    assert reconcile_all([txn], index, auto_threshold=150).outcomes[0].status == "auto"
    assert reconcile_all([txn], index, auto_threshold=151).outcomes[0].status == "review"


invoice_numbers = st.builds(
    lambda prefix, year, month, seq: f"{prefix}/{year}/{month:02d}/{seq:04d}",
    st.sampled_from(["FV", "FVS", "KOR", "INV"]),
    st.integers(2020, 2030),
    st.integers(1, 12),
    st.integers(1, 9999),
)


@given(
    invoice_numbers,
    st.sampled_from(["/", "-", " ", "", "."]),
    st.booleans(),
    st.sampled_from(["", "Zapłata za ", "ref: "]),
)
def test_any_spelling_of_a_number_in_a_title_finds_the_invoice(
    number: str, separator: str, lower: bool, prefix: str
) -> None:
    index = index_of(invoice(1, number, "10.00"))
    spelled = number.replace("/", separator)
    title = prefix + (spelled.lower() if lower else spelled)
    best = decide(transaction("txn_1", "10.00", title), index).candidates[0]
    assert best.invoice_ids == ("1",)
    assert best.score == 150


def test_evidence_that_cancels_out_is_not_offered() -> None:
    # Beta pays 1230.00 with no reference; only ACME has an invoice for that amount: 40 - 50 + 10 = 0.
    index = index_of(invoice(1, "FV/2026/10/0012", "1230.00", client=1))
    outcome = decide(transaction("txn_1", "1230.00", "payment", account=BETA_IBAN), index)
    assert outcome.status == "no_match"
    assert outcome.candidates == ()
    assert 'client 2 "Beta" has no open invoice in PLN up to 1230.00 PLN' in outcome.reasons
