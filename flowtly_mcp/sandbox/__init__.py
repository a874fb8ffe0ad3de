"""An emulator of the Flowtly API (API Platform, JSON-LD, Hydra) backed by SQLite, with Flowtly's business rules.

sandbox = Sandbox(SandboxConfig())      # sandbox.app is the ASGI app; sandbox.store holds the records
app = create_app(SandboxConfig())       # the same, when only the app is needed
serve_sandbox(port=8000)                # standalone over HTTP (uvicorn), data kept in the user's data dir

The names below are imported when first used (PEP 562): `flowtly-mcp --sandbox` takes the database lock at start-up
(`sandbox.deferred`) but loads the emulator itself, its rules and its seed data only when the first request arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowtly_mcp.lazy import lazy_attributes

if TYPE_CHECKING:
    from flowtly_mcp.sandbox.app import Sandbox, create_app
    from flowtly_mcp.sandbox.config import SandboxConfig
    from flowtly_mcp.sandbox.database import DatabaseBusy, DatabaseUnusable
    from flowtly_mcp.sandbox.profiles import DEFAULT_PROFILE, Profile
    from flowtly_mcp.sandbox.server import default_db_path, reset_database, serve_sandbox
    from flowtly_mcp.sandbox.startup import SandboxUnavailable

_HOMES = {
    "DEFAULT_PROFILE": "profiles",
    "DatabaseBusy": "database",
    "DatabaseUnusable": "database",
    "Profile": "profiles",
    "Sandbox": "app",
    "SandboxUnavailable": "startup",
    "SandboxConfig": "config",
    "create_app": "app",
    "default_db_path": "server",
    "reset_database": "server",
    "serve_sandbox": "server",
}
__all__ = [
    "DEFAULT_PROFILE",
    "DatabaseBusy",
    "DatabaseUnusable",
    "Profile",
    "Sandbox",
    "SandboxConfig",
    "SandboxUnavailable",
    "create_app",
    "default_db_path",
    "reset_database",
    "serve_sandbox",
]


__getattr__ = lazy_attributes(__name__, _HOMES, globals())
