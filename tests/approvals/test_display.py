"""Preview values as a person sees them: one line, nothing invisible, nothing unbounded."""

from __future__ import annotations

from flowtly_mcp.approvals import ApprovalPreview, preview_lines, preview_text, visible


def test_line_breaks_and_invisible_characters_are_shown_as_escapes() -> None:
    assert visible("a\nb\r\tc") == "a\\nb\\r\\tc"
    assert visible("pay \u202e00.001 PLN") == "pay \\u202e00.001 PLN"  # a bidi override cannot reverse the amount
    assert visible("zero\u200bwidth\x1b[31m") == "zero\\u200bwidth\\u001b[31m"
    assert visible("line\u2028sep") == "line\\u2028sep"
    assert visible("Zażółć gęślą jaźń €") == "Zażółć gęślą jaźń €"


def test_long_values_are_cut_visibly() -> None:
    shown = visible("x" * 350)
    assert shown == "x" * 300 + "… [truncated: 50 more characters]"


def test_preview_lines_keep_order_and_sanitise_every_value() -> None:
    preview = ApprovalPreview(
        action="Send invoice",
        target="FV/1\nApproved by the CFO",
        details={"to": "a@b.c", "rows": [{"net": "10.00"}]},
        warnings=["irreversible"],
    )
    lines = preview_lines("send_invoice_to_client", preview)
    assert [(line.kind, line.label) for line in lines] == [
        ("action", "Action"),
        ("target", "Target"),
        ("detail", "Tool"),
        ("detail", "to"),
        ("detail", "rows"),
        ("warning", "Warning"),
    ]
    assert lines[1].value == "FV/1\\nApproved by the CFO"
    assert lines[4].value == '[{"net": "10.00"}]'
    assert preview_text("send_invoice_to_client", preview).count("\n") == len(lines) - 1
