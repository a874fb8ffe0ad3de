"""Turning text into comparable words: lower case, no diacritics, no stop words, light stemming (English and Polish).

The same function reads queries and tool texts, so a stem only has to be consistent, not linguistically right:
"faktura", "faktury", "fakturę" and "fakturach" all become "faktur"; "invoice" and "invoices" become "invoic".
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
# "e-invoice" and "e-mail" are one word ("einvoice", "email"), as tool names spell them.
_JOINED_HYPHEN = re.compile(r"(?<=\b[a-z])-(?=[a-z])")
# Ł has no decomposition in Unicode, so NFKD alone leaves it.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "đ": "d"})

# Longest first; a suffix is removed only when at least MIN_STEM characters remain.
_SUFFIXES = tuple(
    sorted(
        (
            "iami", "ami", "ach", "owie", "owi", "ego", "emu", "ych", "ymi", "ies", "iej", "ej", "om", "ow",
            "em", "es", "ie", "ia", "iu", "s", "y", "e", "a", "i", "u", "o",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
MIN_STEM = 4

_STOP_WORDS = """
    a an the of to for by on in at with from and or is are was were be been this that these those it its my our us
    we me i you your what which who whom how do does did there any some as than more will into per via one please can
    could would should them their they up out about all s t d me let lets want need
    w z ze do na po o od dla nam nas mi mnie jest sa ten ta to te tej tego kto co jak czy ktory ktora ktore ktorej
    ktorego sie jaki jakie moj nasz nasze naszych juz przez wszystkie wszystkich moje mamy prosze
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def fold(text: str) -> str:
    """Lower case without diacritics: "Zaległość" → "zaleglosc"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stem(word: str) -> str:
    """Strip one inflectional ending (English plural, Polish case endings) if enough of the word remains."""
    if len(word) <= MIN_STEM or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The folded words of a text, in order, without stop words (not stemmed; `stem` each as needed)."""
    folded = _JOINED_HYPHEN.sub("", fold(text).replace("_", " "))
    return [word for word in _WORD.findall(folded) if word not in STOP_WORDS and len(word) > 1]
