"""Running the sandbox on its own over HTTP, with its data in a SQLite file that survives restarts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flowtly_mcp.sandbox.database import delete_sandbox_database

if TYPE_CHECKING:
    from flowtly_mcp.sandbox.config import SandboxConfig

DEFAULT_TOKEN = "sandbox-token"
_FILE_NAME = "sandbox.sqlite3"


def default_db_path() -> Path:
    """The user's data directory: XDG on Linux, Application Support on macOS, %LOCALAPPDATA% on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "flowtly-mcp" / _FILE_NAME


def reset_database(path: Path | None = None) -> bool:
    """Delete the sandbox's database (and SQLite's side files) so the next start seeds afresh.

    Refuses (DatabaseUnusable) a file that is not a sandbox database, or one a running sandbox holds.
    False when there was no database to delete.
    """
    return delete_sandbox_database(path or default_db_path())


def serve_sandbox(
    port: int,
    host: str = "127.0.0.1",
    token: str = DEFAULT_TOKEN,
    db_path: Path | None = None,
    config: SandboxConfig | None = None,
    profile: str | None = None,
) -> None:
    """Serve the sandbox with uvicorn until interrupted. An existing database is used as it is, never reseeded.

    `profile` (`documented` or `extended`) overrides the config's; SandboxUnavailable when it cannot start."""
    import uvicorn

    from flowtly_mcp.sandbox.app import Sandbox
    from flowtly_mcp.sandbox.config import SandboxConfig
    from flowtly_mcp.sandbox.profiles import parse_profile

    base = config or SandboxConfig()
    overrides: dict[str, object] = {"token": token, "db_path": db_path or default_db_path()}
    if profile is not None:
        overrides["profile"] = parse_profile(profile)
    settings = SandboxConfig(**{**base.__dict__, **overrides})
    sandbox = Sandbox(settings)
    try:
        uvicorn.run(sandbox.app, host=host, port=port, log_level="warning")
    finally:
        sandbox.close()
