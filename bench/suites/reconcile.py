"""Reconciliation at scale: 10,000 bank transfers against 10,000 open invoices with `flowtly_mcp.finance.matching`.

The engine's time (index + plan) is compared with two baselines run on the same workload: a naive scan that looks
at every invoice for every transfer (timed on a subset, extrapolated linearly, which is exact for a scan), and a
dictionary of exact amounts (fast, but blind to everything but the amount). Accuracy is measured against the
workload's known answers: an automatic match counts as right only if it names exactly the invoices paid.
The sandbox's labelled set (`reconcile_labelled`) is scored per kind as well: precision and recall of automatic
matches, and that no decoy is ever applied.
"""

from __future__ import annotations

import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from bench.model import Figure, SectionResult, Table, Target
from bench.stats import median
from bench.suites import reconcile_data, reconcile_labelled
from flowtly_mcp.finance.matching import MatchIndex, Plan, reconcile_all
from flowtly_mcp.finance.records import BankTransaction, InvoiceView

INVOICES = 10_000
TRANSACTIONS = 10_000
RUNS = 5
NAIVE_SUBSET = 300
TARGET_SECONDS = 1.0

Decisions = dict[str, tuple[str, ...]]


def _engine(workload: reconcile_data.Workload) -> Plan:
    index = MatchIndex.build(workload.invoices, workload.clients, workload.counterparties)
    return reconcile_all(workload.transactions, index)


def _engine_decisions(plan: Plan) -> Decisions:
    return {
        outcome.transaction_id: outcome.chosen.invoice_ids for outcome in plan.outcomes if outcome.chosen is not None
    }


def _naive(transactions: list[BankTransaction], invoices: list[InvoiceView]) -> Decisions:
    """Every invoice for every transfer: its number in the title, else the same amount; only a unique hit counts."""
    decisions: Decisions = {}
    for transaction in transactions:
        title = transaction.title.upper()
        named = [i.id for i in invoices if i.number and i.number.upper() in title]
        hits = named or [i.id for i in invoices if i.currency == transaction.currency and i.open == transaction.amount]
        if len(hits) == 1:
            decisions[transaction.id] = (hits[0],)
    return decisions


def _amount_dict(transactions: list[BankTransaction], invoices: list[InvoiceView]) -> Decisions:
    by_amount: dict[tuple[str, Decimal], list[str]] = defaultdict(list)
    for invoice in invoices:
        by_amount[(invoice.currency, invoice.open)].append(invoice.id)
    decisions: Decisions = {}
    for transaction in transactions:
        hits = by_amount.get((transaction.currency, transaction.amount), [])
        if len(hits) == 1:
            decisions[transaction.id] = (hits[0],)
    return decisions


def _score(decisions: Decisions, truth: Decisions, among: set[str]) -> tuple[float, float]:
    """(precision, recall) of automatic matches over the transfers in `among`."""
    made = {t: ids for t, ids in decisions.items() if t in among}
    right = sum(1 for t, ids in made.items() if set(ids) == set(truth[t]))
    payable = sum(1 for t in among if truth[t])
    return (right / len(made) if made else 1.0), (right / payable if payable else 1.0)


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def run() -> SectionResult:
    result = SectionResult("reconcile", "Reconciliation at scale")
    started = time.perf_counter()
    workload = reconcile_data.build(INVOICES, TRANSACTIONS)
    built = time.perf_counter() - started
    everything = set(workload.truth)

    times = [_timed(lambda: _engine(workload)) for _ in range(RUNS)]
    plan = _engine(workload)
    engine_seconds = median(times)
    tracemalloc.start()
    _engine(workload)
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    subset = workload.transactions[:NAIVE_SUBSET]
    naive_started = time.perf_counter()
    naive = _naive(subset, workload.invoices)
    naive_extrapolated = (time.perf_counter() - naive_started) * len(workload.transactions) / len(subset)
    dict_started = time.perf_counter()
    by_amount = _amount_dict(workload.transactions, workload.invoices)
    dict_seconds = time.perf_counter() - dict_started

    engine_decisions = _engine_decisions(plan)
    precision, recall = _score(engine_decisions, workload.truth, everything)
    subset_ids = {t.id for t in subset}
    naive_precision, naive_recall = _score(naive, workload.truth, subset_ids)
    dict_precision, dict_recall = _score(by_amount, workload.truth, everything)

    scale = f"{len(workload.transactions):,} transfers x {len(workload.invoices):,} open invoices"
    result.add(
        Figure(
            "reconcile.engine_s",
            f"Engine: index + plan, {scale}",
            round(engine_seconds, 2),
            "s",
            Target("<=", TARGET_SECONDS),
            note=f"median of {RUNS} runs (min {min(times):.2f}, max {max(times):.2f}): "
            + ", ".join(f"{t:.2f}" for t in times)
            + " s",
        )
    )
    result.add(
        Figure(
            "reconcile.vs_naive",
            "Engine speed-up over a naive scan of every invoice per transfer",
            round(naive_extrapolated / engine_seconds, 1),
            "x",
            baseline=f"naive scan: {naive_extrapolated:.1f} s, extrapolated from {NAIVE_SUBSET} transfers",
        )
    )
    result.add(
        Figure(
            "reconcile.vs_amount_dict",
            "Engine time / exact-amount dictionary time",
            round(engine_seconds / dict_seconds, 1),
            "x",
            baseline=f"exact-amount dictionary: {dict_seconds * 1000:.0f} ms (amount signal only)",
        )
    )
    result.add(
        Figure(
            "reconcile.peak_memory",
            "Peak memory allocated by index + plan",
            round(peak_bytes / 2**20, 1),
            "MB",
            note="tracemalloc, a separate run (tracing slows it down)",
        )
    )
    counts = plan.counts
    result.tables.append(
        Table(
            "Automatic matches against the known answers",
            ["method", "precision", "recall", "transfers judged"],
            [
                ["engine (auto outcomes)", f"{precision:.1%}", f"{recall:.1%}", f"{len(everything):,}"],
                ["naive scan", f"{naive_precision:.1%}", f"{naive_recall:.1%}", f"{len(subset_ids):,}"],
                ["exact-amount dictionary", f"{dict_precision:.1%}", f"{dict_recall:.1%}", f"{len(everything):,}"],
            ],
        )
    )
    kinds: dict[str, list[str]] = defaultdict(list)
    for transaction_id, kind in workload.kinds.items():
        kinds[kind].append(transaction_id)
    result.tables.append(
        Table(
            "Engine outcomes per kind of transfer",
            ["kind", "transfers", "auto and right", "auto and wrong", "review", "no match", "precision", "recall"],
            [
                _kind_row(kind, ids, plan, engine_decisions, workload.truth)
                for kind, ids in sorted(kinds.items(), key=lambda item: -len(item[1]))
            ],
        )
    )
    _labelled(result)
    result.notes.append(
        f"Synthetic workload (seed {reconcile_data.SEED}): {len(workload.clients):,} clients, 5% of invoices in EUR; "
        f"built and parsed in {built:.1f} s (not counted). Outcomes: {counts['auto']:,} auto, "
        f"{counts['review']:,} review, {counts['no_match']:,} no match."
    )
    return result


def _kind_row(kind: str, ids: list[str], plan: Plan, decisions: Decisions, truth: Decisions) -> list[str]:
    wanted = set(ids)
    statuses = [outcome.status for outcome in plan.outcomes if outcome.transaction_id in wanted]
    right = sum(1 for t in ids if t in decisions and set(decisions[t]) == set(truth[t]))
    made = sum(1 for t in ids if t in decisions)
    payable = sum(1 for t in ids if truth[t])
    return [
        kind,
        f"{len(ids):,}",
        f"{right:,}",
        f"{made - right:,}",
        f"{statuses.count('review'):,}",
        f"{statuses.count('no_match'):,}",
        f"{right / made:.1%}" if made else "—",
        f"{right / payable:.1%}" if payable else "— (decoy)",
    ]


def _labelled(result: SectionResult) -> None:
    """The sandbox's labelled set, from documented fields only: precision and recall per kind."""
    labelled = reconcile_labelled.load()
    plan = reconcile_labelled.match(labelled)
    scores = reconcile_labelled.score(plan, labelled.labels)
    overall = scores[-1]
    result.add(
        Figure(
            "reconcile.labelled_precision",
            "Labelled sandbox set: precision of automatic matches",
            round(overall.precision * 100, 1),
            "%",
            Target(">=", 100.0),
            note=f"{overall.right} right of {overall.auto} automatic; decoys never applied",
        )
    )
    result.add(
        Figure(
            "reconcile.labelled_recall",
            "Labelled sandbox set: recall of automatic matches",
            round(overall.recall * 100, 1),
            "%",
            Target(">=", 95.0),
            note=f"{overall.right} of {overall.matchable} payable transfers applied automatically",
        )
    )
    result.tables.append(
        Table(
            "Labelled sandbox set per kind (documented fields only)",
            ["kind", "transfers", "auto", "right", "review", "no match", "precision", "recall"],
            [
                [
                    score.kind,
                    str(score.transfers),
                    str(score.auto),
                    str(score.right),
                    str(score.review),
                    str(score.no_match),
                    f"{score.precision:.0%}",
                    "— (decoy)" if score.decoy else f"{score.recall:.0%}",
                ]
                for score in scores
            ],
        )
    )
