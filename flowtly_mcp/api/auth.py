"""The credentials requests carry: a static bearer token, or a JWT obtained by logging in and renewed on expiry.

A login session is shared by every request of a client: the first request logs in while concurrent ones wait on
the same lock and reuse the token, and a token the server calls expired is replaced once, by whichever request
noticed first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NamedTuple

import anyio

from .settings import ApiSettings

Login = Callable[[], Awaitable[str]]

JWT_REJECTIONS = ("expired jwt token", "invalid jwt token")


class Grant(NamedTuple):
    """The Authorization header to send, and which login produced it (tokens may repeat; logins do not)."""

    header: str | None
    generation: int


class Credentials:
    """No credentials: requests go out without an Authorization header."""

    can_renew = False

    async def authorization(self) -> Grant:
        return Grant(None, 0)

    async def renew(self, stale: Grant) -> None:
        """Replace the credentials that produced `stale`; only a login session can."""

    def hint(self) -> str:
        return "Set FLOWTLY_API_TOKEN, or FLOWTLY_USERNAME and FLOWTLY_PASSWORD."


class StaticToken(Credentials):
    def __init__(self, token: str) -> None:
        self._grant = Grant(f"Bearer {token}", 0)

    async def authorization(self) -> Grant:
        return self._grant

    def hint(self) -> str:
        return "Check FLOWTLY_API_TOKEN: the token was refused."

    def __repr__(self) -> str:
        return "StaticToken(***)"


class LoginSession(Credentials):
    can_renew = True

    def __init__(self, login: Login) -> None:
        self._login = login
        self._grant: Grant | None = None
        self._lock = anyio.Lock()

    @property
    def logins(self) -> int:
        return self._grant.generation if self._grant is not None else 0

    async def authorization(self) -> Grant:
        if self._grant is None:
            async with self._lock:
                if self._grant is None:
                    await self._log_in()
        assert self._grant is not None
        return self._grant

    async def renew(self, stale: Grant) -> None:
        async with self._lock:
            # Another request may have renewed while this one waited for the lock.
            if self._grant is None or self._grant.generation == stale.generation:
                await self._log_in()

    def hint(self) -> str:
        return "Check FLOWTLY_USERNAME and FLOWTLY_PASSWORD."

    async def _log_in(self) -> None:
        token = await self._login()
        self._grant = Grant(f"Bearer {token}", self.logins + 1)

    def __repr__(self) -> str:
        return f"LoginSession(logins={self.logins})"


def credentials_for(settings: ApiSettings, login: Login) -> Credentials:
    if settings.token is not None:
        return StaticToken(settings.token.get_secret_value())
    if settings.auth_mode == "login":
        return LoginSession(login)
    return Credentials()


def is_jwt_rejection(body_text: str) -> bool:
    """Whether a 401 body says the token itself is stale or broken (rather than absent or forbidden)."""
    lowered = body_text.lower()
    return any(reason in lowered for reason in JWT_REJECTIONS)
