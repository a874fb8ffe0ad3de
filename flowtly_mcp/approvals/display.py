"""Preview text as a person must see it: each value on one line, control characters shown, length capped.

Previews carry third-party text (client names, notes, transfer titles). A newline could fake a second line of the
preview, a bidi override could reverse an amount, a very long value could push the warnings out of sight. So every
value is made visible and bounded here, once, for every channel; each channel then escapes it for its medium
(HTML escaping on the page, `textContent` in the MCP Apps view, plain text in the terminal).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from pydantic import JsonValue

from flowtly_mcp.approvals.models import ApprovalPreview

MAX_VALUE_CHARS = 300
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Control, format (bidi overrides, zero-width), line/paragraph separators and unassigned code points.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cn", "Cs", "Co"}


def visible(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """`text` on one line with every invisible or line-breaking character written as an escape, capped at `limit`."""
    shown: list[str] = []
    for char in text:
        if char in _NAMED:
            shown.append(_NAMED[char])
        elif unicodedata.category(char) in _HIDDEN_CATEGORIES:
            shown.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            shown.append(char)
    line = "".join(shown)
    if len(line) > limit:
        return f"{line[:limit]}… [truncated: {len(line) - limit} more characters]"
    return line


def _as_text(value: JsonValue) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class DisplayLine:
    """One line of a preview: a label, and the value a person reads (already made visible and capped)."""

    kind: str  # "action" | "target" | "detail" | "warning"
    label: str
    value: str


def preview_lines(tool: str, preview: ApprovalPreview) -> list[DisplayLine]:
    """The preview, line by line, in the order every channel shows it."""
    lines = [
        DisplayLine("action", "Action", visible(preview.action)),
        DisplayLine("target", "Target", visible(preview.target)),
        DisplayLine("detail", "Tool", visible(tool)),
    ]
    lines += [
        DisplayLine("detail", visible(key, 80), visible(_as_text(value))) for key, value in preview.details.items()
    ]
    lines += [DisplayLine("warning", "Warning", visible(warning)) for warning in preview.warnings]
    return lines


def preview_text(tool: str, preview: ApprovalPreview) -> str:
    """The preview as plain text lines, for the terminal and for elicitation messages."""
    return "\n".join(f"{line.label}: {line.value}" for line in preview_lines(tool, preview))
