"""Server configuration: environment variables (`FLOWTLY_*`), overridden by command-line flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr

from flowtly_mcp.api import ApiSettings
from flowtly_mcp.toolsets import DEFAULT_TOOLSETS, TOOLSET_NAMES


class ConfirmPolicy(StrEnum):
    """How destructive and irreversible calls are approved (docs/approvals.md)."""

    # A person approves through the best channel the client has (MCP Apps view, form or URL elicitation, pending
    # approval decided with `flowtly-mcp approvals`), or the rules of FLOWTLY_POLICY allow the call.
    AUTO = "auto"
    # Two steps with a confirmation token the caller itself sends back: for scripted pipelines. NOT a human check.
    AGENT = "agent"
    OFF = "off"  # no confirmation at all: unattended pipelines only; every such write is marked in the audit


# Former names, refused with what to use instead: a policy that no longer exists must not silently change meaning.
_RENAMED = {
    "token": "FLOWTLY_CONFIRM=token is now `agent` (the caller confirms itself; not a human check) — choose it "
    "explicitly if that is what you want, or leave the default `auto`",
    "elicit": "FLOWTLY_CONFIRM=elicit is now part of `auto` (a person approves through elicitation or another "
    "human channel)",
}


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def parse_toolsets(name: str, raw: str) -> frozenset[str]:
    items = {part.strip().lower() for part in raw.split(",") if part.strip()}
    if not items or items == {"default"}:
        return DEFAULT_TOOLSETS
    if "all" in items:
        return TOOLSET_NAMES
    unknown = items - TOOLSET_NAMES - {"default"}
    if unknown:
        raise ConfigError(
            f"{name} names unknown toolsets {sorted(unknown)}; choose from {sorted(TOOLSET_NAMES)}, 'default' or 'all'"
        )
    return frozenset(items - {"default"}) | (DEFAULT_TOOLSETS if "default" in items else frozenset())


def parse_confirm(name: str, raw: str) -> ConfirmPolicy:
    if (renamed := _RENAMED.get(raw.strip().lower())) is not None:
        raise ConfigError(f"{name}: {renamed}")
    try:
        return ConfirmPolicy(raw.strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in ConfirmPolicy)
        raise ConfigError(f"{name} must be one of {choices}, got {raw!r}") from None


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME")
    return (Path(base) if base else Path.home() / ".local" / "share") / "flowtly-mcp"


class ServerSettings(BaseModel):
    """Everything the MCP server needs besides the API connection itself."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    api: ApiSettings
    toolsets: frozenset[str] = DEFAULT_TOOLSETS
    read_only: bool = False
    confirm: ConfirmPolicy = ConfirmPolicy.AUTO
    # HMAC key for confirmation tokens; random per process when unset (tokens then work within one process only).
    confirm_secret: SecretStr | None = None
    audit_log: Path | None = None
    # Rules for unattended agents (FLOWTLY_POLICY, a TOML file): what may run with no person.
    policy_file: Path | None = None
    # The shared approval store (FLOWTLY_STATE_URL): unset = SQLite in the user data dir; redis://… for many hosts.
    state_url: str = ""
    download_dir: Path = default_data_dir() / "downloads"
    # Where upload tools may read local files, besides the client's declared roots; None: roots only.
    upload_dir: Path | None = None
    sandbox: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {"api": ApiSettings.from_env(env)}
        if raw := env.get("FLOWTLY_TOOLSETS"):
            values["toolsets"] = parse_toolsets("FLOWTLY_TOOLSETS", raw)
        if (raw := env.get("FLOWTLY_READ_ONLY")) is not None:
            values["read_only"] = parse_bool("FLOWTLY_READ_ONLY", raw)
        if raw := env.get("FLOWTLY_CONFIRM"):
            values["confirm"] = parse_confirm("FLOWTLY_CONFIRM", raw)
        if raw := env.get("FLOWTLY_CONFIRM_SECRET"):
            values["confirm_secret"] = SecretStr(raw)
        if raw := env.get("FLOWTLY_AUDIT_LOG"):
            values["audit_log"] = Path(raw).expanduser()
        if raw := env.get("FLOWTLY_POLICY"):
            values["policy_file"] = Path(raw).expanduser()
        if raw := env.get("FLOWTLY_STATE_URL"):
            values["state_url"] = raw.strip()
        if raw := env.get("FLOWTLY_DOWNLOAD_DIR"):
            values["download_dir"] = Path(raw).expanduser()
        if raw := env.get("FLOWTLY_UPLOAD_DIR"):
            values["upload_dir"] = Path(raw).expanduser()
        settings = cls.model_validate(values)
        if settings.policy_file is not None and settings.confirm is not ConfirmPolicy.AUTO:
            raise ConfigError(
                f"FLOWTLY_POLICY applies with FLOWTLY_CONFIRM=auto; with {settings.confirm.value} nothing would be "
                "left for its rules to decide. Unset one of them."
            )
        return settings
