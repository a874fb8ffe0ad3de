"""Keeping credentials out of logs and error messages.

Clients register the secrets they hold (the API token, the password, every token a login returns); `redact`
replaces them, and anything shaped like a bearer token or a password field, with `***`. A logging filter on the
`flowtly_mcp.api` logger applies the same to every record before any handler sees it.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
LOGGER_NAME = "flowtly_mcp.api"

_SECRET_SHAPES = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    # Basic auth carries "user:password" as base64: whatever follows the scheme is a credential.
    re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=_-]{4,}"),
    # A URL's user-info ("https://user:pw@host"): the password part.
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+(?=@)"),
    # JSON members and query/form pairs; a violation message such as "password: This value is too short." is
    # left alone because the value there is prose, not a credential.
    re.compile(r'(?i)("(?:password|token|secret|api[_-]?key|access_token|refresh_token)"\s*:\s*")[^"]*'),
    re.compile(r"(?i)\b((?:password|token|secret|api[_-]?key|access_token|refresh_token)=)[^&\s]+"),
)
_SECRET_QUERY_KEYS = re.compile(r"(?i)token|password|secret|key|signature|auth")
# Very short strings would mask ordinary words; no real credential is this short.
_MIN_SECRET_LENGTH = 4


def _forms(secret: str) -> set[str]:
    """The secret as written, and as base64 (standard and URL-safe, padded or not): an echo may carry either."""
    raw = secret.encode()
    encoded = {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    return {secret} | encoded | {form.rstrip("=") for form in encoded}


class SecretRegistry:
    """The secrets currently held by live clients, reference-counted so two clients may share one."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        if len(secret) >= _MIN_SECRET_LENGTH:
            with self._lock:
                for form in _forms(secret):
                    self._counts[form] += 1

    def discard(self, secret: str) -> None:
        with self._lock:
            for form in _forms(secret):
                if self._counts[form] > 1:
                    self._counts[form] -= 1
                else:
                    self._counts.pop(form, None)

    def snapshot(self) -> list[str]:
        with self._lock:
            # Longest first, so a secret containing another is masked whole.
            return sorted(self._counts, key=len, reverse=True)


SECRETS = SecretRegistry()


def redact(text: str) -> str:
    """`text` with every registered secret and every credential-shaped fragment masked."""
    for secret in SECRETS.snapshot():
        if secret in text:
            text = text.replace(secret, MASK)
    for shape in _SECRET_SHAPES:
        text = shape.sub(lambda match: match.group(1) + MASK, text)
    return text


def safe_target(url: str) -> str:
    """Path and query of a URL for messages and logs, with secret-looking query values masked."""
    parts = urlsplit(url)
    if not parts.query:
        return parts.path or "/"
    pairs = [
        (key, MASK if _SECRET_QUERY_KEYS.search(key) else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(("", "", parts.path or "/", urlencode(pairs, safe="[]/:,*"), ""))


class RedactingFilter(logging.Filter):
    """Rewrites a log record so that its rendered message carries no secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        rendered = record.getMessage()
        cleaned = redact(rendered)
        if cleaned != rendered:
            record.msg = cleaned
            record.args = None
        return True


def api_logger() -> logging.Logger:
    """The client's logger, with the redacting filter installed exactly once."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
