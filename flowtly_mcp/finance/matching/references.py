"""Finding invoice numbers in transfer titles: the MPP ``/INV/`` field, numbers written anywhere in free text,
with any separators, case, extra leading zeros, or one mistyped character.

A title is split into letter and digit runs; every window of consecutive runs is a possible invoice number and is
looked up in the index by hash, so the cost depends on the title's length, not on how many invoices are open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..identifiers import RUN_PATTERN, invoice_number_runs, loose_key_of_runs
from ..mpp import MppTitle
from .index import MIN_TEXT_KEY_LENGTH, MIN_TYPO_KEY_LENGTH, MatchIndex, number_shape

EXACT_POINTS = 100
LOOSE_POINTS = 90
TYPO_POINTS = 60


@dataclass(frozen=True, slots=True)
class Reference:
    """An invoice the title points at, how firmly (points) and why."""

    invoice_id: str
    points: int
    reason: str


@dataclass(slots=True)
class TitleReferences:
    """What a title says about invoices: the open ones it names (by id), notes on references that led nowhere,
    numbers of settled invoices it names, and numbers shaped like ours that name no invoice at all."""

    found: dict[str, Reference] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def blocks_guessing(self) -> bool:
        """True when the title points at an invoice that cannot be paid now: no amount alone may overrule it."""
        return bool(self.closed or self.unknown)


class _Window(NamedTuple):
    """A stretch of the title (``source[begin:end]``) read as an invoice number: its exact and loose keys.

    A tuple rather than a frozen dataclass: titles yield tens of thousands of windows per batch."""

    source: str
    begin: int
    end: int
    key: str
    loose: str

    @property
    def text(self) -> str:
        return self.source[self.begin : self.end]


def find_references(title: str, mpp: MppTitle | None, index: MatchIndex) -> TitleReferences:
    """Invoices referenced by a transfer title, keyed by invoice id, and notes about references that led nowhere.

    Exact and loose hits come first; the typo lookup runs only when the title names no open invoice exactly,
    so an exact number is never out-voted by its sequential neighbours. When nothing is found, a number shaped
    like the organisation's own (``FV/2026/11/0917``) that names no invoice is reported as unknown.
    """
    scan = TitleReferences()
    found, notes = scan.found, scan.notes
    sources: list[tuple[str, list[_Window]]] = []
    if mpp and mpp.invoice_number:
        runs = invoice_number_runs(mpp.invoice_number)
        number = mpp.invoice_number
        whole = _Window(number, 0, len(number), "".join(runs), loose_key_of_runs(runs))
        sources.append(("split-payment /INV/", [whole]))
    free_text = (mpp.text or "") if mpp else title
    if free_text:
        sources.append(("title", list(_windows(free_text, index))))
    closed = scan.closed
    for origin, windows in sources:
        for window in windows:
            for invoice_id in index.by_number.get(window.key, ()):
                _keep(found, Reference(invoice_id, EXACT_POINTS, f'{origin} names invoice "{window.text}"'))
            for invoice_id in index.by_loose.get(window.loose, ()):
                reason = f'{origin} names "{window.text}", the invoice number apart from leading zeros'
                _keep(found, Reference(invoice_id, LOOSE_POINTS, reason))
            if window.key in index.closed_numbers:
                closed.append(window.text)
    if closed:
        notes.append(f"the title names {', '.join(sorted(set(closed)))}, which is no longer open")
    if found or closed:
        return scan
    # Imported on the first typo lookup, not when the server starts (module imports are cached after that).
    from rapidfuzz.distance import OSA

    shortest, longest = index.key_length_range
    for origin, windows in sources:
        for window in windows:
            # One edit changes the length by at most one; shorter keys have too many neighbours to mean anything.
            if len(window.key) < max(MIN_TYPO_KEY_LENGTH, shortest - 1) or len(window.key) > longest + 1:
                continue
            for number_key in index.typo_neighbours(window.key):
                if number_key != window.key and OSA.distance(number_key, window.key, score_cutoff=1) <= 1:
                    for invoice_id in index.by_number[number_key]:
                        typed = index.invoices[invoice_id].number
                        reason = f'{origin} has "{window.text}", one character away from invoice {typed}'
                        _keep(found, Reference(invoice_id, TYPO_POINTS, reason))
    if not found and sources:
        notes.append("no invoice number or split-payment reference to an open invoice found in the title")
        scan.unknown = _unknown_numbers(sources, index)
        if scan.unknown:
            notes.append(
                f"the title names {', '.join(scan.unknown)}, shaped like the organisation's invoice numbers "
                "but neither an open nor a settled invoice"
            )
    return scan


def _unknown_numbers(sources: list[tuple[str, list[_Window]]], index: MatchIndex) -> list[str]:
    """Windows shaped like an indexed number (same letters, same digit-group lengths) that name no invoice."""
    unknown: list[str] = []
    for _, windows in sources:
        for window in windows:
            shape = number_shape(invoice_number_runs(window.text))
            if shape in index.number_shapes and window.text not in unknown:
                unknown.append(window.text)
    return unknown


def _keep(found: dict[str, Reference], reference: Reference) -> None:
    current = found.get(reference.invoice_id)
    if current is None or reference.points > current.points:
        found[reference.invoice_id] = reference


def _windows(text: str, index: MatchIndex) -> list[_Window]:
    """Windows of consecutive runs that contain a digit and are as long as some indexed number could be."""
    folded = text.casefold()
    matches = list(RUN_PATTERN.finditer(folded))
    runs = [match.group() for match in matches]
    digits = [run[0].isdigit() for run in runs]
    # Every window holds a digit: a title without one ("przelew") has none, and costs no more than this.
    if True not in digits:
        return []
    # Show the title's own spelling in reasons when casefolding kept character positions (nearly always).
    shown = text if len(folded) == len(text) else folded
    # loose_key_of_runs of each run alone, written out: this runs for every run of every title
    loose_runs = [(run.lstrip("0") or "0") if run.isdigit() else run for run in runs]
    key_limit, loose_limit = index.key_length_range[1] + 1, index.loose_length_max
    windows: list[_Window] = []
    count = len(runs)
    for start in range(count):
        key, loose, has_digit = runs[start], loose_runs[start], digits[start]
        begin, end = matches[start].start(), start
        while True:
            # Extra leading zeros make a title's key longer than the indexed one; the loose key bounds that case.
            if len(key) > key_limit and len(loose) > loose_limit:
                break
            if has_digit and len(key) >= MIN_TEXT_KEY_LENGTH:
                windows.append(_Window(shown, begin, matches[end].end(), key, loose))
            end += 1
            if end == count:
                break
            key += runs[end]
            loose += "-" + loose_runs[end]
            has_digit = has_digit or digits[end]
    return windows
