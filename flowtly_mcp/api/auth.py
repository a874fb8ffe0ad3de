"""The credentials requests carry: a static bearer token, or a JWT obtained by logging in and renewed on expiry.

A login session is shared by every request of a client: the first request logs in while concurrent ones wait on
the same lock and reuse the token, and a token the server calls expired is replaced once, by whichever request
noticed first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

from .settings import ApiSettings

Login = Callable[[], Awaitable[str]]

JWT_REJECTIONS = ("expired jwt token", "invalid jwt token")


class Credentials:
    """No credentials: requests go out without an Authorization header."""

    can_renew = False

    async def authorization(self) -> str | None:
        return None

    async def renew(self, stale: str | None) -> None:
        """Replace the credentials that produced `stale`; only a login session can."""

    def hint(self) -> str:
        return "Set FLOWTLY_API_TOKEN, or FLOWTLY_USERNAME and FLOWTLY_PASSWORD."


class StaticToken(Credentials):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    async def authorization(self) -> str | None:
        return self._header

    def hint(self) -> str:
        return "Check FLOWTLY_API_TOKEN: the token was refused."

    def __repr__(self) -> str:
        return "StaticToken(***)"


class LoginSession(Credentials):
    can_renew = True

    def __init__(self, login: Login) -> None:
        self._login = login
        self._token: str | None = None
        self._lock = anyio.Lock()
        self.logins = 0

    async def authorization(self) -> str | None:
        if self._token is None:
            async with self._lock:
                if self._token is None:
                    await self._log_in()
        return f"Bearer {self._token}"

    async def renew(self, stale: str | None) -> None:
        async with self._lock:
            # Another request may have renewed while this one waited for the lock.
            if self._token is None or f"Bearer {self._token}" == stale:
                await self._log_in()

    def hint(self) -> str:
        return "Check FLOWTLY_USERNAME and FLOWTLY_PASSWORD."

    async def _log_in(self) -> None:
        self._token = await self._login()
        self.logins += 1

    def __repr__(self) -> str:
        return f"LoginSession(logged_in={self._token is not None})"


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
