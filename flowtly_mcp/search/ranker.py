"""Ranking tools for a request in plain words, English or Polish.

Each tool is read once into concepts per field (name, title, extra keywords, description, toolset). A query word
scores by the best field its concepts reach, weighted by how rare the concept is across tools, so "debtor" counts
more than "invoice". Two agreements are rewarded on top: the query names the tool's verb ("delete invoice" and
`delete_invoice`), and the query covers all of the tool's name (so `delete_invoice` beats `delete_budget_invoice`).
A query that spells a tool's name finds that tool first. Pure and deterministic: ties fall to the shorter name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .text import fold, words
from .vocabulary import concepts

# How much a match in each field is worth, strongest first; the order also orders the reasons shown.
FIELD_WEIGHTS: Mapping[str, float] = {"name": 3.0, "title": 2.0, "keywords": 2.0, "description": 1.0, "toolset": 0.5}
VERB_AGREEMENT = 3.0
# A request without a verb ("stored payment methods", "overdue invoices") asks to see something.
READ_BY_DEFAULT = {"list": 1.0, "get": 0.5}
NAME_COVERAGE = 2.5
EXACT_NAME = 20.0
_VERBS = """list get create update delete send download search merge find apply import export upload detach open
    queue sync reconcile suggest enrich next"""
VERBS = frozenset(_VERBS.split())


VERB_CONCEPTS = frozenset().union(*(concepts(verb) for verb in VERBS))


@dataclass(frozen=True, slots=True)
class Entry:
    """What the ranker reads of a tool; `keywords` are extra words people use for it."""

    name: str
    title: str
    description: str
    toolset: str
    keywords: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked tool: its name, score and a few words on why it matched."""

    name: str
    score: float
    why: str


@dataclass(frozen=True, slots=True)
class _Indexed:
    entry: Entry
    fields: Mapping[str, frozenset[str]]
    name_concepts: tuple[frozenset[str], ...]
    verb: frozenset[str]
    all_concepts: frozenset[str]
    # The name as a query would spell it ("send invoice ksef"), to recognise a request that names the tool.
    spelled: str


def _concept_set(text: str) -> frozenset[str]:
    return frozenset(concept for word in words(text) for concept in concepts(word))


def _index(entry: Entry) -> _Indexed:
    name_words = words(entry.name)
    name_concepts = tuple(frozenset(concepts(word)) for word in name_words)
    fields = {
        "name": frozenset().union(*name_concepts),
        "title": _concept_set(entry.title),
        "keywords": _concept_set(entry.keywords),
        "description": _concept_set(entry.description),
        "toolset": _concept_set(entry.toolset),
    }
    first = entry.name.split("_", 1)[0]
    verb = name_concepts[0] if name_concepts and first in VERBS else frozenset()
    # Descriptions start with what the tool does ("Apply an incoming payment..."): that verb agrees too.
    described = words(entry.description)[:1]
    if described:
        verb |= frozenset(concepts(described[0])) & VERB_CONCEPTS
    return _Indexed(entry, fields, name_concepts, verb, frozenset().union(*fields.values()), " ".join(name_words))


class ToolIndex:
    """Tools read once, ready to rank any number of queries."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._tools = tuple(_index(entry) for entry in entries)
        names = [tool.entry.name for tool in self._tools]
        if len(set(names)) != len(names):
            raise ValueError("every entry needs its own name")
        frequency: dict[str, int] = {}
        for tool in self._tools:
            for concept in tool.all_concepts:
                frequency[concept] = frequency.get(concept, 0) + 1
        count = max(1, len(self._tools))
        self._rarity = {concept: math.log(1 + count / seen) for concept, seen in frequency.items()}

    def __len__(self) -> int:
        return len(self._tools)

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """Tools matching `query`, best first (at most `limit`); an empty list when nothing matches."""
        query_words = [(word, frozenset(concepts(word))) for word in words(query)]
        spelled = f" {' '.join(words(query))} "
        folded_query = fold(query)
        hits: list[tuple[float, int, str, Hit]] = []
        for tool in self._tools:
            scored = self._score(tool, query_words, spelled, folded_query)
            if scored is not None:
                score, why = scored
                hits.append((-score, len(tool.entry.name), tool.entry.name, Hit(tool.entry.name, round(score, 3), why)))
        hits.sort(key=lambda item: item[:3])
        found = [hit for *_, hit in hits]
        return found if limit is None else found[:limit]

    def _score(
        self, tool: _Indexed, query_words: list[tuple[str, frozenset[str]]], spelled: str, folded_query: str
    ) -> tuple[float, str] | None:
        score = 0.0
        reasons: dict[str, list[str]] = {}
        wanted: set[str] = set()
        for word, meant_by_word in query_words:
            # A concept counts once: "bank transactions" or "payment ... pay" say one thing twice.
            meant = meant_by_word - wanted
            wanted |= meant_by_word
            best, best_field = 0.0, ""
            for field, weight in FIELD_WEIGHTS.items():
                reached = meant & tool.fields[field]
                if reached:
                    value = weight * max(self._rarity.get(concept, 0.0) for concept in reached)
                    if value > best:
                        best, best_field = value, field
            if best_field:
                score += best
                reasons.setdefault(best_field, []).append(word)
        if score == 0.0:
            return None
        name = tool.entry.name
        if re.search(rf"\b{name}\b", folded_query) or (len(tool.name_concepts) > 1 and f" {tool.spelled} " in spelled):
            score += EXACT_NAME
            reasons = {"exact name": [name], **reasons}
        if tool.verb and tool.verb & wanted:
            score += VERB_AGREEMENT
        elif not wanted & VERB_CONCEPTS:
            score += READ_BY_DEFAULT.get(name.split("_", 1)[0], 0.0)
        covered = sum(1 for part in tool.name_concepts if part & wanted)
        score += NAME_COVERAGE * covered / max(1, len(tool.name_concepts))
        why = "; ".join(f"{field}: {', '.join(dict.fromkeys(found))}" for field, found in reasons.items())
        return score, why


def rank(entries: Iterable[Entry], query: str, limit: int | None = None) -> list[Hit]:
    """One-off ranking; build a `ToolIndex` once to rank many queries over the same tools."""
    return ToolIndex(entries).search(query, limit)
