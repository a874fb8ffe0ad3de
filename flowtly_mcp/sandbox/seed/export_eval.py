"""Write the labelled reconciliation evaluation file for the payment matcher.

    python -m flowtly_mcp.sandbox.seed.export_eval tests/data/reconciliation_eval.json

The file holds the ground-truth labels of the default seed configuration as JSON, with ids and amounts as strings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import SeedConfig, ground_truth
from .truth import GroundTruth


def eval_document(cfg: SeedConfig, truth: GroundTruth) -> dict[str, Any]:
    """The evaluation file's content: one case per planted unmatched transfer."""
    cases = []
    for label in truth.reconciliation:
        expected = None
        if label.allocations is not None:
            expected = [{"invoice": str(a.invoice_id), "amount": str(a.amount)} for a in label.allocations]
        cases.append(
            {
                "transaction": label.transaction_id,
                "kind": label.kind.value,
                "amount": str(label.amount),
                "currency": label.currency,
                "expected": expected,
                "reason": label.reason.value if label.reason else None,
                "unallocated": str(label.unallocated),
                "description": label.description,
                "identifier": label.identifier.value if label.identifier else None,
            }
        )
    return {
        "seed": cfg.seed,
        "size": cfg.size,
        "anchor": cfg.anchor.isoformat(),
        "about": (
            "Unmatched incoming bank transactions of the sandbox seed data and how they should be applied. "
            "expected: allocations (invoice id, amount in the invoice's currency), or null when the transfer must "
            "not be auto-matched (reason says why); unallocated: what stays on the transfer; identifier: how a "
            "certain payer's counterparty ties it to its client (its NIP in one spelling, its IBAN with or "
            "without spaces, or both), null where the case does not turn on the payer."
        ),
        "cases": cases,
    }


def render(cfg: SeedConfig | None = None) -> str:
    """The evaluation file's exact text for a configuration (default: the demo configuration)."""
    cfg = cfg or SeedConfig()
    return json.dumps(eval_document(cfg, ground_truth(cfg)), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m flowtly_mcp.sandbox.seed.export_eval OUTPUT.json\n")
        return 2
    Path(args[0]).write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
