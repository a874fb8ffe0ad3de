"""Precision and recall of automatic reconciliation on the labelled evaluation set (tests/data/), through the tool.

The same set as tests/finance/test_reconciliation_labelled.py scores with the engine, here reached the way a client
reaches it: the `reconcile_unmatched` tool over the in-memory MCP client, against the sandbox of the default seed.
So the same acceptance holds: automatic application is right every time (precision 1.0, counting any automatic
match outside the labelled set as wrong too, since the set lists every unmatched incoming transfer of the seed);
recall is at least 0.95 overall and 0.9 for every matchable kind, including a certain payer's amount alone and
one transfer for several of its invoices; a decoy is never applied. Separately, the right answer must be the
first suggestion for every labelled transfer (review included).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox, SandboxConfig

from .conftest import server_for

pytestmark = pytest.mark.anyio
EVAL = json.loads((Path(__file__).parents[1] / "data" / "reconciliation_eval.json").read_text())
RECALL_FLOOR = 0.95
KIND_RECALL_FLOOR = 0.9


def allocations(items: list[dict[str, Any]] | None) -> list[tuple[str, Decimal]] | None:
    return None if items is None else [(str(a["invoice"]), Decimal(str(a["amount"]))) for a in items]


async def test_automatic_matches_are_always_right_and_recall_holds_overall_and_per_kind(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    anchor = dt.date.fromisoformat(EVAL["anchor"])
    sandbox = Sandbox(SandboxConfig(today=anchor, seed=EVAL["seed"], size=EVAL["size"]))
    cases = {case["transaction"]: case for case in EVAL["cases"]}
    period = {"date_from": (anchor - dt.timedelta(days=3 * 366)).isoformat(), "date_to": anchor.isoformat()}
    async with Client(server_for(sandbox, tmp_path)) as client:
        outcome = await client.call_tool("reconcile_unmatched", period)
    assert not outcome.is_error, outcome.content
    result = (outcome.structured_content or {})["result"]
    proposed = {
        item["transaction"]: (status, allocations(item["allocations"]))
        for status in ("auto", "review", "no_match")
        for item in result[status]
    }
    assert set(cases) <= set(proposed), "every labelled transfer is considered"

    automatic = {t: found for t, (status, found) in proposed.items() if status == "auto"}
    right = {t for t, found in automatic.items() if t in cases and found == allocations(cases[t]["expected"])}
    matchable = [t for t, case in cases.items() if case["expected"] is not None]
    precision = len(right) / len(automatic) if automatic else 1.0
    recall = len(right & set(matchable)) / len(matchable)
    first_right = [t for t in matchable if proposed[t][1] == allocations(cases[t]["expected"])]
    # Reported in the test's properties (and the JUnit XML, when asked for).
    request.node.user_properties += [
        ("auto_precision", precision),
        ("auto_recall", recall),
        ("first_suggestion_recall", len(first_right) / len(matchable)),
    ]

    wrong = {t: automatic[t] for t in set(automatic) - right}
    assert precision == 1.0, f"automatic matches that are wrong or unlabelled: {wrong}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.2f} below {RECALL_FLOOR}; missed {set(matchable) - right}"
    assert len(first_right) == len(matchable), f"best suggestion wrong for {set(matchable) - set(first_right)}"
    for transaction, case in cases.items():
        if case["expected"] is None:
            assert proposed[transaction][0] != "auto", case["kind"]
    for kind in sorted({cases[t]["kind"] for t in matchable}):
        of_kind = [t for t in matchable if cases[t]["kind"] == kind]
        kind_recall = len(right & set(of_kind)) / len(of_kind)
        request.node.user_properties.append((f"{kind}.auto_recall", kind_recall))
        assert kind_recall >= KIND_RECALL_FLOOR, f"{kind}: recall {kind_recall:.2f}; missed {set(of_kind) - right}"
    kinds = Counter(case["kind"] for case in cases.values())
    assert kinds["amount_only"] >= 15 and kinds["multi_invoice"] >= 15, kinds
