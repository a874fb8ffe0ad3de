"""Settings of the streamable HTTP transport (`FLOWTLY_HTTP_*`) and the rules that keep a deployment safe.

The rules are checked before anything listens: a non-loopback bind needs bearer tokens, and several workers need a
shared confirmation secret, or a token previewed by one worker would be refused by the next.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from flowtly_mcp.config import ConfigError, ConfirmPolicy, ServerSettings

logger = logging.getLogger("flowtly_mcp.transport")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
METADATA_PREFIX = "/.well-known/oauth-protected-resource"

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

_ENV = {
    "host": "FLOWTLY_HTTP_HOST",
    "port": "FLOWTLY_HTTP_PORT",
    "workers": "FLOWTLY_HTTP_WORKERS",
    "tokens": "FLOWTLY_HTTP_TOKENS",
    "public_url": "FLOWTLY_HTTP_PUBLIC_URL",
    "allowed_hosts": "FLOWTLY_HTTP_ALLOWED_HOSTS",
    "allowed_origins": "FLOWTLY_HTTP_ALLOWED_ORIGINS",
}


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _comma_list(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())


def _has_port(host: str) -> bool:
    return "]:" in host if host.startswith("[") else ":" in host


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


class HttpSettings(BaseModel):
    """Where the HTTP transport listens and whom it lets in."""

    model_config = ConfigDict(frozen=True)

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    # Bearer tokens MCP clients present; they only open this server, and never travel on to Flowtly.
    tokens: tuple[SecretStr, ...] = ()
    # The URL clients use to reach the MCP endpoint (behind a proxy it differs from the bind address).
    public_url: str | None = None
    # Extra Host / Origin values to accept besides loopback (and the public URL's); "*" turns the check off.
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> HttpSettings:
        """Settings from `FLOWTLY_HTTP_*`; `overrides` (command-line flags) win when not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if raw := env.get(_ENV["host"], "").strip():
            values["host"] = raw
        if raw := env.get(_ENV["port"], "").strip():
            values["port"] = _positive_int(_ENV["port"], raw)
        if raw := env.get(_ENV["workers"], "").strip() or env.get("WEB_CONCURRENCY", "").strip():
            values["workers"] = _positive_int(_ENV["workers"], raw)
        tokens = _comma_list(env.get(_ENV["tokens"]))
        if tokens:
            values["tokens"] = tuple(SecretStr(token) for token in tokens)
        if raw := env.get(_ENV["public_url"], "").strip():
            values["public_url"] = raw
        if hosts := _comma_list(env.get(_ENV["allowed_hosts"])):
            values["allowed_hosts"] = hosts
        if origins := _comma_list(env.get(_ENV["allowed_origins"])):
            values["allowed_origins"] = origins
        values.update({key: value for key, value in overrides.items() if value is not None})
        settings = cls.model_validate(values)
        if not 1 <= settings.port <= 65535:
            raise ConfigError(f"{_ENV['port']} must be a TCP port (1-65535), got {settings.port}")
        settings._check_public_url()
        return settings

    def to_env(self) -> dict[str, str]:
        """The same settings as environment variables, for worker processes that rebuild them."""
        env = {_ENV["host"]: self.host, _ENV["port"]: str(self.port), _ENV["workers"]: str(self.workers)}
        if self.tokens:
            env[_ENV["tokens"]] = ",".join(token.get_secret_value() for token in self.tokens)
        if self.public_url:
            env[_ENV["public_url"]] = self.public_url
        if self.allowed_hosts:
            env[_ENV["allowed_hosts"]] = ",".join(self.allowed_hosts)
        if self.allowed_origins:
            env[_ENV["allowed_origins"]] = ",".join(self.allowed_origins)
        return env

    def _check_public_url(self) -> None:
        if self.public_url is None:
            return
        parts = urlsplit(self.public_url)
        usable = parts.scheme in ("http", "https") and parts.netloc and parts.path.strip("/")
        if not usable or parts.query or parts.fragment:
            raise ConfigError(
                f"{_ENV['public_url']} must be the MCP endpoint's URL, such as https://mcp.example.com/mcp, "
                f"got {self.public_url!r}"
            )

    @property
    def requires_auth(self) -> bool:
        return bool(self.tokens)

    @property
    def public_path(self) -> str:
        """The MCP endpoint's path as clients see it."""
        if self.public_url is None:
            return MCP_PATH
        return urlsplit(self.public_url).path.rstrip("/")

    @property
    def public_origin(self) -> str | None:
        """`scheme://host[:port]` of the public URL."""
        if self.public_url is None:
            return None
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    def host_patterns(self) -> list[str]:
        """Host header values to accept, in the SDK's pattern form (`name:*` allows any port)."""
        hosts = list(LOOPBACK_HOSTS)
        if self.public_url:
            hosts.append(urlsplit(self.public_url).netloc.rsplit("@", 1)[-1])
        hosts += self.allowed_hosts
        patterns = [pattern for host in hosts for pattern in ([host] if _has_port(host) else [host, f"{host}:*"])]
        return list(dict.fromkeys(patterns))

    def origin_patterns(self) -> list[str]:
        """Origin header values to accept (browsers send one; most MCP clients send none)."""
        patterns = [f"http://{host}:*" for host in LOOPBACK_HOSTS] + [f"http://{host}" for host in LOOPBACK_HOSTS]
        if self.public_url:
            parts = urlsplit(self.public_url)
            patterns.append(f"{parts.scheme}://{parts.netloc}")
        patterns += list(self.allowed_origins)
        return list(dict.fromkeys(patterns))

    @property
    def checks_hosts(self) -> bool:
        return "*" not in self.allowed_hosts

    @property
    def checks_origins(self) -> bool:
        return "*" not in self.allowed_origins

    def check(self, server: ServerSettings) -> None:
        """Refuse settings that would be unsafe or would break confirmations; raises ConfigError."""
        if not is_loopback(self.host) and not self.requires_auth:
            raise ConfigError(
                f"refusing to listen on {self.host} without authentication: set {_ENV['tokens']} to a comma list "
                "of long random tokens (clients send one as 'Authorization: Bearer <token>'), or bind 127.0.0.1"
            )
        workers = max(self.workers, spawned_worker_hint())
        # Only agent tokens are signed; every other decision lives in the shared approval store.
        shared_secret = server.confirm_secret is not None or server.confirm is not ConfirmPolicy.AGENT
        if workers > 1 and not shared_secret:
            raise ConfigError(
                "several workers need a shared FLOWTLY_CONFIRM_SECRET: without it each worker signs confirmation "
                "tokens with its own random key, and a preview from one worker is refused by the next. Set it to "
                "the same long random value in every worker and replica (python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'). Also applies under uvicorn --reload, which runs a child process."
            )
        if not shared_secret:
            logger.warning(
                "FLOWTLY_CONFIRM_SECRET is not set: confirmation tokens are valid in this process only. "
                "Set it before running more than one worker or replica behind a load balancer."
            )


def spawned_worker_hint() -> int:
    """2 when this process was spawned by a multi-process supervisor (uvicorn --workers), else 1.

    uvicorn does not tell its workers how many siblings they have; a spawned child is the one sign it leaves.
    """
    return 2 if multiprocessing.parent_process() is not None else 1
