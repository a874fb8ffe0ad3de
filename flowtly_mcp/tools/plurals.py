"""English plurals of family labels for titles and descriptions: "List counterparties", "List payments applied to
an invoice" (the head noun takes the plural, not the last word)."""

from __future__ import annotations

import re

# A label's head noun ends where its qualifier starts: "payment | applied to an invoice", "allocation | of a budget".
_QUALIFIER = re.compile(r" (?:applied|charged|of|to|for) ")


def plural_noun(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in set("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def plural_label(label: str) -> str:
    """`label` with its head noun in the plural."""
    match = _QUALIFIER.search(label)
    head, rest = (label[: match.start()], label[match.start() :]) if match else (label, "")
    return plural_noun(head) + rest
