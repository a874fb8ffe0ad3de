"""An emulator of the Flowtly API (API Platform, JSON-LD, Hydra) backed by SQLite, with Flowtly's business rules.

sandbox = Sandbox(SandboxConfig())      # sandbox.app is the ASGI app; sandbox.store holds the records
app = create_app(SandboxConfig())       # the same, when only the app is needed
serve_sandbox(port=8000)                # standalone over HTTP (uvicorn), data kept in the user's data dir
"""

from __future__ import annotations

from flowtly_mcp.sandbox.app import Sandbox, create_app
from flowtly_mcp.sandbox.config import SandboxConfig
from flowtly_mcp.sandbox.database import DatabaseBusy, DatabaseUnusable
from flowtly_mcp.sandbox.profiles import DEFAULT_PROFILE, Profile
from flowtly_mcp.sandbox.server import default_db_path, reset_database, serve_sandbox
from flowtly_mcp.sandbox.startup import SandboxUnavailable

__all__ = [
    "DEFAULT_PROFILE",
    "DatabaseBusy",
    "DatabaseUnusable",
    "Profile",
    "Sandbox",
    "SandboxUnavailable",
    "SandboxConfig",
    "create_app",
    "default_db_path",
    "reset_database",
    "serve_sandbox",
]
