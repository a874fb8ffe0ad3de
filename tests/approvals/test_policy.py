"""Unattended rules: pure evaluation, ceilings held by the shared store, and clear errors for a bad file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flowtly_mcp.approvals import ApprovalService, PolicyError, Usage, Verdict, load_policy, parse_policy

POLICY = """\
otherwise = "pending"
never = ["delete_*", "send_invoice_to_ksef"]

[allow.create_payment]
max_amount_per_call = "500.00"
max_amount_per_day = "1000.00"
max_count_per_day = 3

[allow."update_*"]
max_count_per_day = 2

[allow.delete_note]   # a never-rule still wins
"""

NONE_USED = Usage(0, Decimal(0))


def test_allowed_within_the_ceilings_naming_the_rule() -> None:
    policy = parse_policy(POLICY)
    decision = policy.evaluate("create_payment", Decimal("500.00"), Usage(2, Decimal("500.00")))
    assert (decision.verdict, decision.rule) == (Verdict.ALLOWED, "allow.create_payment")
    patterned = policy.evaluate("update_invoice", None, NONE_USED)
    assert (patterned.verdict, patterned.rule) == (Verdict.ALLOWED, 'allow."update_*"')


@pytest.mark.parametrize(
    ("amount", "usage", "reason"),
    [
        (Decimal("500.01"), NONE_USED, "max_amount_per_call"),
        (Decimal("100.00"), Usage(3, Decimal("300.00")), "max_count_per_day"),
        (Decimal("100.00"), Usage(1, Decimal("900.01")), "max_amount_per_day"),
        (None, NONE_USED, "amount of this create_payment call is unknown"),
    ],
)
def test_beyond_a_ceiling_a_person_decides(amount: Decimal | None, usage: Usage, reason: str) -> None:
    decision = parse_policy(POLICY).evaluate("create_payment", amount, usage)
    assert decision.verdict is Verdict.NEEDS_PERSON
    assert decision.rule == "allow.create_payment"
    assert reason in decision.reason


def test_beyond_a_ceiling_with_no_person_is_refused() -> None:
    policy = parse_policy(POLICY.replace('otherwise = "pending"', 'otherwise = "refuse"'))
    decision = policy.evaluate("create_payment", Decimal("900"), NONE_USED)
    assert decision.verdict is Verdict.REFUSED and "no person is configured" in decision.reason
    assert policy.evaluate("create_invoice", None, NONE_USED).rule == "otherwise"


def test_never_rules_hold_over_any_allow_rule() -> None:
    policy = parse_policy(POLICY)
    for tool, rule in (("delete_note", 'never "delete_*"'), ("send_invoice_to_ksef", 'never "send_invoice_to_ksef"')):
        decision = policy.evaluate(tool, None, NONE_USED)
        assert (decision.verdict, decision.rule) == (Verdict.REFUSED, rule)


def test_a_tool_no_rule_names_needs_a_person() -> None:
    decision = parse_policy(POLICY).evaluate("merge_counterparties", None, NONE_USED)
    assert (decision.verdict, decision.rule) == (Verdict.NEEDS_PERSON, "otherwise")


def test_admit_reserves_against_the_shared_day_counters(service: ApprovalService) -> None:
    policy = parse_policy(POLICY)
    verdicts = [service.admit(policy, "create_payment", Decimal("400.00")).verdict for _ in range(3)]
    assert verdicts == [Verdict.ALLOWED, Verdict.ALLOWED, Verdict.NEEDS_PERSON]  # 1200 > 1000 a day
    assert service.admit(policy, "create_payment", Decimal("200.00")).verdict is Verdict.ALLOWED
    assert service.admit(policy, "create_payment", Decimal("0.01")).verdict is Verdict.NEEDS_PERSON  # 4th call


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("never = [\n", "not valid TOML"),
        ('otherwise = "maybe"\n', '<policy>:1: otherwise: must be "pending" or "refuse"'),
        ("\n\nalow = 1\n", "<policy>:3: alow: unknown key"),
        ('never = "delete_*"\n', "never: must be a list"),
        (
            "[allow.create_payment]\nmax_amount_per_call = 5000.5\n",
            "<policy>:2: allow.create_payment.max_amount_per_call: write amounts as strings",
        ),
        (
            '[allow.create_payment]\n\nmax_amount_per_day = "lots"\n',
            "<policy>:3: allow.create_payment.max_amount_per_day: must be a non-negative amount",
        ),
        (
            '[allow."update_*"]\nmax_count_per_day = -1\n',
            "<policy>:2: allow.update_*.max_count_per_day: must be a whole number",
        ),
        ('[allow.create_payment]\nmax_per_call = "1"\n', "<policy>:2: allow.create_payment.max_per_call: unknown key"),
    ],
)
def test_malformed_policies_name_the_key_and_line(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    assert message in str(caught.value)


def test_load_policy_reads_the_file_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY, encoding="utf-8")
    assert load_policy(path).source == str(path)
    with pytest.raises(PolicyError, match="FLOWTLY_POLICY: cannot read"):
        load_policy(tmp_path / "missing.toml")
