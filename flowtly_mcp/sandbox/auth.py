"""Bearer authentication: the configured API token, or a JWT from `POST /login` (LexikJWT's behaviour)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from flowtly_mcp.sandbox.errors import AuthFailed
from flowtly_mcp.sandbox.store import Store

_SECRET_KEY = "jwt-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """Checks bearer tokens and issues JWTs. The signing secret lives with the data, so tokens survive restarts."""

    def __init__(self, store: Store, api_token: str, users: dict[str, str], ttl_seconds: int) -> None:
        self._api_token = api_token
        self._users = users
        self._ttl = ttl_seconds
        secret = store.meta(_SECRET_KEY)
        if secret is None:
            secret = secrets.token_hex(32)
            store.set_meta(_SECRET_KEY, secret)
        self._secret = secret.encode("ascii")

    def issue(self, username: str) -> str:
        issued = int(time.time())
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
        claims = {"iat": issued, "exp": issued + self._ttl, "roles": ["ROLE_USER"], "username": username}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{header}.{payload}.{self._sign(f'{header}.{payload}')}"

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest())

    def login(self, username: str, password: str) -> str:
        expected = self._users.get(username)
        if expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
            raise AuthFailed("Invalid credentials.")
        return self.issue(username)

    def check(self, authorization: str | None) -> None:
        """Accept the API token or a valid, unexpired JWT; otherwise fail with Lexik's message."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthFailed("JWT Token not found")
        token = authorization[7:].strip()
        if not token:
            raise AuthFailed("JWT Token not found")
        if hmac.compare_digest(token.encode(), self._api_token.encode()):
            return
        claims = self._verified_claims(token)
        expires = claims.get("exp")
        if not isinstance(expires, int) or time.time() >= expires:
            raise AuthFailed("Expired JWT Token")

    def _verified_claims(self, token: str) -> dict[str, Any]:
        parts = token.split(".")
        if len(parts) != 3:
            raise AuthFailed("Invalid JWT Token")
        header, payload, signature = parts
        try:
            signing_input = f"{header}.{payload}"
            valid = hmac.compare_digest(self._sign(signing_input).encode(), signature.encode())
            claims = json.loads(_unb64(payload)) if valid else None
        except (ValueError, UnicodeError):
            raise AuthFailed("Invalid JWT Token") from None
        if not isinstance(claims, dict):
            raise AuthFailed("Invalid JWT Token")
        return claims
