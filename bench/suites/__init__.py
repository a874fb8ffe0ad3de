"""The benchmark sections, in the order the report shows them; each module exposes `run() -> SectionResult`."""

from __future__ import annotations

SUITES: dict[str, str] = {
    "tokens": "Tool-list tokens",
    "routing": "Routing: the right tool for a request",
    "economy": "Response economy",
    "overhead": "Per-call overhead",
    "cold_start": "Cold start",
    "calls": "Per-call time over stdio",
    "pagination": "Pagination under latency",
    "reconcile": "Reconciliation at scale",
    "confirm_cost": "Confirming an approved batch",
    "approval_latency": "Approval latency per channel",
    "aging": "Receivables aging at scale",
    "http_load": "HTTP transport under load",
}
