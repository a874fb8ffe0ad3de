"""Company names reduced to what identifies the company: no case, accents, punctuation or legal form.

``ACME Sp. z o.o.``, ``Acme sp z oo`` and ``ACME Spółka z ograniczoną odpowiedzialnością`` all become ``acme``.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
_TOKEN = re.compile(r"[^\W_]+")

_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    tuple(form.split())
    for form in (
        # Poland
        "sp z o o",
        "sp z oo",
        "spzoo",
        "spolka z o o",
        "spolka z oo",
        "spolka z ograniczona odpowiedzialnoscia",
        "s a",
        "sa",
        "spolka akcyjna",
        "p s a",
        "psa",
        "prosta spolka akcyjna",
        "sp j",
        "spolka jawna",
        "sp k",
        "spolka komandytowa",
        "sp k a",
        "s k a",
        "ska",
        "spolka komandytowo akcyjna",
        "sp p",
        "spolka partnerska",
        "s c",
        "spolka cywilna",
        # elsewhere
        "gmbh",
        "gmbh co kg",
        "ag",
        "kg",
        "ug",
        "ltd",
        "limited",
        "plc",
        "llp",
        "inc",
        "llc",
        "corp",
        "b v",
        "bv",
        "n v",
        "nv",
        "s r l",
        "srl",
        "s p a",
        "spa",
        "s r o",
        "sro",
        "a s",
        "as",
        "aps",
        "oy",
        "ab",
        "sas",
        "sarl",
        "s a r l",
    )
)
_LONGEST_FORM = max(len(form) for form in _LEGAL_FORMS)


def fold_text(value: str) -> str:
    """Casefold and strip accents, so ``Spółka`` and ``spolka`` compare equal."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_UNDECOMPOSED)


def normalize_company_name(name: str | None) -> str:
    """Folded name words without punctuation and without trailing legal forms (possibly stacked, e.g. sp.k.).

    Returns an empty string when nothing but a legal form (or nothing at all) is left.
    """
    tokens = _TOKEN.findall(fold_text(name or ""))
    stripped = True
    while stripped and tokens:
        stripped = False
        for size in range(min(_LONGEST_FORM, len(tokens) - 1), 0, -1):
            if tuple(tokens[-size:]) in _LEGAL_FORMS:
                tokens = tokens[:-size]
                stripped = True
                break
    return " ".join(tokens)
