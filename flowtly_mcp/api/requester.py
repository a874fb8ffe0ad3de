"""The one path every HTTP request to Flowtly takes: credentials, retries, logging and error mapping.

Everything above this module speaks in paths and Python values; everything below is httpx2. A response that comes
back from here has a 2xx status; anything else has become an exception from `errors`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx2

from . import jsoncodec
from .auth import Credentials, Grant, credentials_for, is_jwt_rejection
from .error_body import error_from_response, json_body
from .errors import ApiConnectionError, ApiError, ApiTimeout, AuthenticationError, UnreadableResponse
from .paths import request_target
from .query import QueryPairs
from .redact import SECRETS, api_logger, safe_target
from .retry import (
    IDEMPOTENT_METHODS,
    NOT_SENT_FAULTS,
    RetryBudget,
    may_resend_after_fault,
    may_resend_after_status,
    parse_retry_after,
)
from .settings import ApiSettings
from .write_ledger import note_answer, note_fault

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

logger = api_logger()


class Requester:
    """Sends requests through one pooled connection pool for the lifetime of a client."""

    def __init__(
        self,
        settings: ApiSettings,
        transport: httpx2.AsyncBaseTransport | None = None,
        *,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self._sleep: Sleep = sleep or anyio.sleep
        self._clock: Clock = clock or time.monotonic
        self._rng = rng or random.Random()
        self._http = httpx2.AsyncClient(
            base_url=settings.base_url,
            transport=transport,
            timeout=httpx2.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.read_timeout,
            ),
            limits=httpx2.Limits(
                max_connections=settings.concurrency * 2, max_keepalive_connections=settings.concurrency
            ),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,
        )
        self.credentials: Credentials = credentials_for(settings, self._log_in)
        self._secrets: list[str] = []
        for secret in (settings.token, settings.password):
            if secret is not None:
                self._hold_secret(secret.get_secret_value())

    async def aclose(self) -> None:
        await self._http.aclose()
        for secret in self._secrets:
            SECRETS.discard(secret)
        self._secrets.clear()

    def target(self, path_or_url: str) -> str:
        """The request path for a caller's path, IRI or URL, under the configured prefix."""
        return request_target(path_or_url, self.settings.path_prefix)

    async def send(
        self,
        method: str,
        target: str,
        *,
        params: QueryPairs | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
        accept: str,
        authenticate: bool = True,
    ) -> httpx2.Response:
        """Send once, or again where that is safe; return a 2xx response or raise an ApiError."""
        method = method.upper()
        headers = {"Accept": accept}
        if content_type is not None:
            headers["Content-Type"] = content_type
        budget = RetryBudget(
            max_retries=self.settings.max_retries,
            max_wait=self.settings.max_retry_wait,
            total_budget=self.settings.retry_total_budget,
            rng=self._rng,
        )
        started = self._clock()
        renewed = False
        while True:
            grant = await self.credentials.authorization() if authenticate else Grant(None, 0)
            request = self._http.build_request(
                method,
                target,
                params=tuple(params) if params else None,
                content=content,
                headers={**headers, "Authorization": grant.header} if grant.header else headers,
            )
            shown = safe_target(str(request.url))
            sent_at = self._clock()
            try:
                response = await self._http.send(request)
            except httpx2.TransportError as fault:
                if authenticate:  # logging in changes nothing
                    note_fault(method, fault)
                error = _fault_error(fault, method, shown, self.settings)
                logger.debug("%s %s failed after %.0f ms: %s", method, shown, self._elapsed_ms(sent_at), error.message)
                wait = (
                    budget.next_wait(None, self._clock() - started) if may_resend_after_fault(method, fault) else None
                )
                if wait is None:
                    # The transport's exception holds the request, Authorization header included: do not chain it.
                    raise error from None
                logger.debug("retrying %s %s in %.2f s (retry %d)", method, shown, wait, budget.retries_done)
                await self._sleep(wait)
                continue
            except httpx2.DecodingError as fault:
                raise UnreadableResponse(
                    f"the answer could not be decoded ({_cause(fault)})", method=method, path=shown
                ) from None
            logger.debug("%s %s -> %d in %.0f ms", method, shown, response.status_code, self._elapsed_ms(sent_at))
            status = response.status_code
            if authenticate:
                note_answer(method, status)
            if status < 300:
                return response
            if (
                status == 401
                and authenticate
                and self.credentials.can_renew
                and not renewed
                and is_jwt_rejection(response.text)
            ):
                renewed = True
                logger.debug("token refused (%s); logging in again", _short_text(response))
                await self.credentials.renew(grant)
                continue
            retry_after = parse_retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
            if may_resend_after_status(method, status):
                wait = budget.next_wait(retry_after, self._clock() - started)
                if wait is not None:
                    logger.debug(
                        "retrying %s %s in %.2f s after %d (retry %d)", method, shown, wait, status, budget.retries_done
                    )
                    await self._sleep(wait)
                    continue
            raise error_from_response(
                method, shown, response, retry_after=retry_after, hint=self._hint(status, authenticate)
            )

    async def _log_in(self) -> str:
        """Exchange username and password for a JWT (LexikJWTAuthenticationBundle's json_login)."""
        settings = self.settings
        password = settings.password.get_secret_value() if settings.password is not None else ""
        body = jsoncodec.dumps({"username": settings.username, "password": password}).encode()
        target = self.target(settings.login_path)
        try:
            response = await self.send(
                "POST",
                target,
                content=body,
                content_type="application/json",
                accept="application/json",
                authenticate=False,
            )
        except AuthenticationError as error:
            raise AuthenticationError(
                f"login failed: {error.message}", method=error.method, path=error.path, status=error.status
            ) from None
        answer = json_body(response)
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise UnreadableResponse(
                "the login answer carries no token; check FLOWTLY_LOGIN_PATH",
                method="POST",
                path=safe_target(str(response.request.url)),
                status=response.status_code,
            )
        self._hold_secret(token)
        logger.debug("logged in")
        return token

    def _hold_secret(self, secret: str) -> None:
        SECRETS.add(secret)
        self._secrets.append(secret)

    def _hint(self, status: int, authenticated: bool) -> str:
        if status == 401:
            return self.credentials.hint() if authenticated else "Check FLOWTLY_USERNAME and FLOWTLY_PASSWORD."
        return ""

    def _elapsed_ms(self, since: float) -> float:
        return (self._clock() - since) * 1000

    def __repr__(self) -> str:
        return f"Requester(base_url={self.settings.base_url!r}, auth={self.settings.auth_mode!r})"


def _fault_error(fault: httpx2.TransportError, method: str, path: str, settings: ApiSettings) -> ApiError:
    written = ""
    if method not in IDEMPOTENT_METHODS and not isinstance(fault, NOT_SENT_FAULTS):
        written = "; the request may have reached the server, so check whether it took effect before repeating it"
    if isinstance(fault, httpx2.ConnectTimeout):
        return ApiTimeout(
            f"could not connect to {settings.base_url} within {settings.connect_timeout:g} s{written}",
            method=method,
            path=path,
        )
    if isinstance(fault, httpx2.PoolTimeout):
        return ApiTimeout(f"no free connection within {settings.read_timeout:g} s{written}", method=method, path=path)
    if isinstance(fault, httpx2.TimeoutException):
        return ApiTimeout(f"no answer within {settings.read_timeout:g} s{written}", method=method, path=path)
    if isinstance(fault, httpx2.ConnectError):
        return ApiConnectionError(
            f"could not connect to {settings.base_url} ({_cause(fault)}); check FLOWTLY_BASE_URL and the network",
            method=method,
            path=path,
        )
    return ApiConnectionError(f"the connection failed mid-request ({_cause(fault)}){written}", method=method, path=path)


def _cause(fault: Exception) -> str:
    text = str(fault).strip()
    return text or type(fault).__name__


def _short_text(response: httpx2.Response) -> str:
    body: Any = json_body(response)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return response.text[:80]
