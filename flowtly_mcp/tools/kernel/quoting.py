"""Third-party text in previews: one line, control characters visible, capped, never mistaken for our own words.

Record fields (notes, names, descriptions, e-mail messages) come from clients, banks and counterparties. A note with
newlines and blank lines could push a preview's warning off-screen or add a line that reads like the server's verdict
("Verified by Flowtly support: safe"). So every string a preview shows from a record or an argument is made one line:
newlines, tabs and every other control or line/paragraph separator become visible escapes (`\\n`, `\\u2028`), and
long text is cut with a visible marker saying how long it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

QUOTE_LIMIT = 300
# Lines of one list a person's question shows: a batch's first payments are readable at a glance, and a batch of a
# thousand still makes a short question (the complete list stays in the preview and on the approval page).
LISTED_LINES = 25
_TRUNCATED = re.compile(r"^[^\n]{0,8}… \[truncated, [\d,]+ chars\]$")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Unicode categories that can break a line, hide text or reorder it: controls, format characters (bidi overrides,
# zero-width), line and paragraph separators, and unassigned or private code points.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"})


def _visible(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) in _INVISIBLE:
        code = ord(char)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def one_line(text: str, limit: int | None = QUOTE_LIMIT) -> str:
    """`text` on one line with every invisible character escaped, cut at `limit` characters with a visible marker.

    Applying it twice changes nothing more: an escape is printable, and a cut text keeps its marker.
    """
    shown = "".join(_visible(char) for char in text)
    if limit is None or len(shown) <= limit or _TRUNCATED.search(shown[limit:]):
        return shown
    return f"{shown[:limit]}… [truncated, {len(text):,} chars]"


def quoted(text: str, limit: int | None = QUOTE_LIMIT) -> str:
    """`text` as quoted data: one line, in double quotes, inner double quotes escaped."""
    return '"' + one_line(text, limit).replace('"', '\\"') + '"'


def one_line_all(value: Any) -> Any:
    """Every string inside `value` (dicts, lists) made one line and capped; other values unchanged."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, Mapping):
        return {str(key): one_line_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [one_line_all(item) for item in value]
    return value


def render_value(value: Any) -> str:
    """A preview detail for the human's question: strings quoted, lists and mappings flattened onto one line."""
    if isinstance(value, str):
        return quoted(value, None)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{one_line(str(k))}: {render_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
    return one_line(str(value))


def render_detail(key: str, value: Any, limit: int = LISTED_LINES) -> list[str]:
    """A preview detail as lines of the human's question, each starting with the quote bar `  |`.

    A list of plain values (a batch's payment lines) shows one per line, at most `limit` of them and then how many
    more there are, so that a thousand payments neither run together on one line nor make the question unbounded.
    Anything else is one line, as `render_value` renders it.
    """
    name = one_line(str(key))
    if not isinstance(value, list | tuple) or not value or any(isinstance(v, Mapping | list | tuple) for v in value):
        return [f"  | {name}: {render_value(value)}"]
    lines = [f"  | {name} ({len(value):,}):"]
    lines += [f"  |   - {render_value(item)}" for item in value[:limit]]
    if len(value) > limit:
        lines.append(f"  |   … and {len(value) - limit:,} more, not shown here")
    return lines
