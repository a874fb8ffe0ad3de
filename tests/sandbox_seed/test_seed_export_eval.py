"""The committed evaluation file is exactly what the export script writes today."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flowtly_mcp.sandbox.seed import GroundTruth
from flowtly_mcp.sandbox.seed.export_eval import main, render

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "reconciliation_eval.json"


def test_committed_file_equals_a_fresh_export() -> None:
    assert EVAL_FILE.read_text(encoding="utf-8") == render()


def test_file_holds_the_truth_labels_as_strings(truth: GroundTruth) -> None:
    document = json.loads(EVAL_FILE.read_text(encoding="utf-8"))
    assert (document["seed"], document["size"], document["anchor"]) == (7, 1.0, "2026-11-16")
    cases = document["cases"]
    assert [case["transaction"] for case in cases] == [label.transaction_id for label in truth.reconciliation]
    for case, label in zip(cases, truth.reconciliation, strict=True):
        assert case["kind"] == label.kind.value
        assert case["amount"] == str(label.amount)
        if label.allocations is None:
            assert case["expected"] is None
            assert case["reason"] == label.reason
        else:
            assert case["expected"] == [
                {"invoice": str(a.invoice_id), "amount": str(a.amount)} for a in label.allocations
            ]


def test_script_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "eval.json"
    completed = subprocess.run(
        [sys.executable, "-m", "flowtly_mcp.sandbox.seed.export_eval", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert target.read_text(encoding="utf-8") == EVAL_FILE.read_text(encoding="utf-8")


def test_script_needs_exactly_one_path() -> None:
    assert main([]) == 2
