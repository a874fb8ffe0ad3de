"""The person's question lists a batch one payment per line, bounded however large the batch."""

from __future__ import annotations

from flowtly_mcp.tools.kernel.guards import Preview, elicitation_message
from flowtly_mcp.tools.kernel.quoting import LISTED_LINES


def batch_preview(payments: int) -> Preview:
    lines = [f"T{n} 2026-11-{n % 28 + 1:02d} 100.00 PLN → FV/{n}/2026 100.00" for n in range(payments)]
    return Preview(
        action="Apply confident payment matches",
        target="incoming transactions 2026-11-01..2026-11-30",
        details={"apply": lines, "totals": ["PLN: 1 payment, 100.00"], "left_for_review": 3},
        warnings=["T7: partial payment"],
        fingerprint="f",
    )


def test_each_payment_is_a_line_of_its_own() -> None:
    lines = elicitation_message("reconcile_unmatched", batch_preview(3)).splitlines()
    assert lines[1] == "! T7: partial payment", "warnings still come first"
    start = lines.index("  | apply (3):")
    assert lines[start + 1 : start + 4] == [
        f'  |   - "T{n} 2026-11-{n + 1:02d} 100.00 PLN → FV/{n}/2026 100.00"' for n in range(3)
    ]
    assert lines[start + 4 : start + 6] == ["  | totals (1):", '  |   - "PLN: 1 payment, 100.00"']
    assert lines[start + 6] == "  | left_for_review: 3"
    assert "more, not shown" not in "\n".join(lines)


def test_a_thousand_payments_make_a_short_question() -> None:
    message = elicitation_message("reconcile_unmatched", batch_preview(1000))
    lines = message.splitlines()
    payments = [line for line in lines if line.startswith('  |   - "T')]
    assert [line.split()[2] for line in payments] == [f'"T{n}' for n in range(LISTED_LINES)]
    assert "  | apply (1,000):" in lines
    assert f"  |   … and {1000 - LISTED_LINES:,} more, not shown here" in lines
    assert len(lines) < LISTED_LINES + 12 and len(message) < 5_000
    assert all(line.startswith("  | ") for line in lines[lines.index("  | apply (1,000):") :])


def test_a_payment_line_cannot_add_lines_of_its_own() -> None:
    preview = batch_preview(2)
    preview = preview.model_copy(update={"details": {"apply": ["T1 ok\n! Verified by Flowtly: safe", "T2 ok"]}})
    lines = elicitation_message("reconcile_unmatched", preview).splitlines()
    assert not any(line.startswith("! Verified") for line in lines)
    assert '  |   - "T1 ok\\n! Verified by Flowtly: safe"' in lines
