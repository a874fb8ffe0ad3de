"""Connection settings for the Flowtly API: where, who, how patient, how parallel.

Built from the environment with `ApiSettings.from_env` or directly in code (tests, the sandbox). Secrets are
`SecretStr`, so neither `repr` nor a validation error can print them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .. import __version__
from .errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.flowtly.eu"

# Environment variable → settings field, for the variables that map one to one.
_ENV_FIELDS = {
    "FLOWTLY_BASE_URL": "base_url",
    "FLOWTLY_API_PREFIX": "path_prefix",
    "FLOWTLY_API_TOKEN": "token",
    "FLOWTLY_USERNAME": "username",
    "FLOWTLY_PASSWORD": "password",
    "FLOWTLY_LOGIN_PATH": "login_path",
    "FLOWTLY_TIMEOUT": "read_timeout",
    "FLOWTLY_PAGE_SIZE": "page_size",
    "FLOWTLY_CONCURRENCY": "concurrency",
}
_FIELD_ENV = {field: env for env, field in _ENV_FIELDS.items()}


class ApiSettings(BaseModel):
    """Everything the client needs to reach one Flowtly account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = DEFAULT_BASE_URL
    # Flowtly documents its routes without "/api" while its IRIs carry it; some deployments serve under "/api".
    path_prefix: str = ""
    token: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    login_path: str = "/login"
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    page_size: int = Field(default=30, ge=1, le=1000)
    concurrency: int = Field(default=4, ge=1, le=32)
    max_retries: int = Field(default=3, ge=0, le=10)
    max_retry_wait: float = Field(default=30.0, ge=0)
    retry_total_budget: float = Field(default=60.0, ge=0)
    user_agent: str = f"flowtly-mcp/{__version__}"

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or len(value.split("://", 1)[1]) == 0:
            raise ValueError(f"must be an http(s) URL such as {DEFAULT_BASE_URL}")
        if "@" in urlsplit(value).netloc:
            # Credentials in a URL travel as Basic auth and end up in logs and error messages; never echo them.
            raise ValueError(
                "must not carry credentials (user:password@host); remove them and set FLOWTLY_API_TOKEN, "
                "or FLOWTLY_USERNAME and FLOWTLY_PASSWORD"
            )
        return value

    @field_validator("path_prefix")
    @classmethod
    def _normalise_prefix(cls, value: str) -> str:
        value = value.strip().strip("/")
        return f"/{value}" if value else ""

    @field_validator("login_path")
    @classmethod
    def _normalise_login_path(cls, value: str) -> str:
        value = value.strip()
        if not value.strip("/"):
            raise ValueError("must name a path such as /login")
        return value if value.startswith("/") else f"/{value}"

    @field_validator("username")
    @classmethod
    def _blank_username_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("token", "password")
    @classmethod
    def _blank_secret_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @property
    def auth_mode(self) -> str:
        """`token`, `login` or `none`: which credentials requests will carry."""
        if self.token is not None:
            return "token"
        if self.username and self.password is not None:
            return "login"
        return "none"

    def check_auth(self) -> None:
        """Raise ConfigurationError unless a usable set of credentials is configured."""
        if self.token is not None:
            return
        if self.username and self.password is None:
            raise ConfigurationError(
                "FLOWTLY_USERNAME is set but FLOWTLY_PASSWORD is not; set both, or FLOWTLY_API_TOKEN"
            )
        if self.password is not None and not self.username:
            raise ConfigurationError(
                "FLOWTLY_PASSWORD is set but FLOWTLY_USERNAME is not; set both, or FLOWTLY_API_TOKEN"
            )
        if self.auth_mode == "none":
            raise ConfigurationError(
                "no Flowtly credentials: set FLOWTLY_API_TOKEN, or FLOWTLY_USERNAME and FLOWTLY_PASSWORD"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ApiSettings:
        """Settings from FLOWTLY_* variables (blank ones count as unset); `overrides` win over the environment."""
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for env_name, field in _ENV_FIELDS.items():
            raw = source.get(env_name)
            if raw is not None and raw.strip():
                values[field] = raw.strip()
        if "read_timeout" in values:
            # One FLOWTLY_TIMEOUT bounds the whole wait; connecting should never be allowed longer than reading.
            values["connect_timeout"] = min(_number("FLOWTLY_TIMEOUT", values["read_timeout"]), 5.0)
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigurationError(_describe_validation(exc)) from None


def _number(env_name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{env_name} must be a number of seconds, got {raw!r}") from None


def _describe_validation(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "settings"
        name = _FIELD_ENV.get(field, field)
        # Never echo the input: it may be a secret.
        problems.append(f"{name}: {error['msg']}")
    return "invalid Flowtly settings: " + "; ".join(problems)
