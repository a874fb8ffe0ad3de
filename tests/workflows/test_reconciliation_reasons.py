"""Every automatic reconciliation decision says why, as a client of the MCP tools reads it.

For each labelled transfer of the evaluation set (tests/data/) that `reconcile_unmatched` would apply
automatically, the reasons in the tool's result must name what decided it: an invoice number or split-payment
reference in the title, or, for a payment with no usable reference, the identifier that tied the payer to one
client (its NIP or account), that the title named nothing, and why the one invoice or the combination of two or
three is the only fit among that client's open invoices. `suggest_payment_matches` gives the same reasons for each
such transfer. Both protocol modes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox, SandboxConfig

from .conftest import MODES, body, server_for

pytestmark = pytest.mark.anyio
EVAL = json.loads((Path(__file__).parents[1] / "data" / "reconciliation_eval.json").read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["transaction"]: case for case in EVAL["cases"]}
# The kinds applied on the strength of the payer and the amount alone (when the title names no invoice).
BY_PAYER = {"amount_only", "multi_invoice"}
CERTAIN = re.compile(
    r"^payer certain: counterparty (NIP|account) \S+( and counterparty (NIP|account) \S+)* belongs? to "
    r'client \S+ "[^"]+" and to no other client$'
)
UNIQUE = re.compile(
    r"^\d+\.\d{2} (PLN|EUR) among client \S+ \"[^\"]+\"'s open (PLN|EUR) invoices: "
    r"(the only one of its \d+ candidate open invoices with that amount; no 2 or 3 of them add up to it"
    r"|the only combination of [23] of its \d+ candidate open invoices that adds up to it "
    r"\(no single invoice, no other combination of 2 or 3\))$"
)
REFERENCE = re.compile(r'(title|split-payment /INV/) (names|has) .*"|one character away from invoice')


def assert_explained(kind: str, reasons: list[str]) -> None:
    """The first reasons say what decided the match (a batch item keeps only the first three)."""
    if kind in BY_PAYER and not any(REFERENCE.search(reason) for reason in reasons):
        assert CERTAIN.match(reasons[0]), reasons
        assert reasons[1] == "no usable reference in the title", reasons
        assert UNIQUE.match(reasons[2]), reasons
    else:
        assert REFERENCE.search(reasons[0]), (kind, reasons)


@pytest.mark.parametrize("mode", MODES)
async def test_every_automatic_decision_names_the_identifier_and_why_the_fit_is_unique(
    mode: str, tmp_path: Path
) -> None:
    anchor = dt.date.fromisoformat(EVAL["anchor"])
    sandbox = Sandbox(SandboxConfig(today=anchor, seed=EVAL["seed"], size=EVAL["size"]))
    period = {"date_from": (anchor - dt.timedelta(days=3 * 366)).isoformat(), "date_to": anchor.isoformat()}
    try:
        async with Client(server_for(sandbox, tmp_path), mode=mode) as client:
            result = body(await client.call_tool("reconcile_unmatched", period))["result"]
            automatic = {item["transaction"]: item for item in result["auto"] if item["transaction"] in CASES}
            kinds = {CASES[t]["kind"] for t in automatic}
            matchable = {case["kind"] for case in CASES.values() if case["expected"] is not None}
            assert kinds == matchable, "every kind meant to be applied is applied at least once"
            by_payer = [t for t in automatic if CASES[t]["kind"] in BY_PAYER]
            assert len(by_payer) >= 30, "the amount-only and multi-invoice cases are applied on their own proof"
            for transaction, item in automatic.items():
                assert_explained(CASES[transaction]["kind"], item["reasons"])
                found = body(await client.call_tool("suggest_payment_matches", {"transaction": transaction}))
                assert found["status"] == "auto", found
                best = found["candidates"][0]
                assert best["reasons"][:3] == item["reasons"], "one decision, the same reasons in both tools"
                assert_explained(CASES[transaction]["kind"], best["reasons"])
                assert any(reason.startswith("the only candidate scoring at least") for reason in found["reasons"])
    finally:
        sandbox.close()
