"""Payment reconciliation: match bank transactions to open sales invoices, with reasons and a confidence.

Build a ``MatchIndex`` over the open invoices (plus clients and counterparties, which tie payers to clients),
then ask ``suggest_matches`` for one transaction or ``reconcile_all`` for a batch.
"""

from .engine import DEFAULT_AUTO_THRESHOLD, decide, reconcile_all, suggest_matches
from .index import MatchIndex
from .results import Allocation, Candidate, Outcome, OutcomeStatus, Plan

__all__ = [
    "DEFAULT_AUTO_THRESHOLD",
    "Allocation",
    "Candidate",
    "MatchIndex",
    "Outcome",
    "OutcomeStatus",
    "Plan",
    "decide",
    "reconcile_all",
    "suggest_matches",
]
