"""Why a sandbox cannot start: raised before anything is served, reported by the command line in one line."""

from __future__ import annotations


class SandboxUnavailable(Exception):
    """The sandbox cannot start as configured; the message says why and what to do."""
