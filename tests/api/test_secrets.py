"""The token, the password and every JWT stay out of exceptions, reprs and log lines, at every log level."""

from __future__ import annotations

import logging

import httpx2
import pytest

from flowtly_mcp.api import FlowtlyClient, errors
from flowtly_mcp.api.redact import LOGGER_NAME, redact, safe_target

from .conftest import PASSWORD, TOKEN, USERNAME, SleepRecorder, settings
from .transports import Fault, FaultyTransport, on

pytestmark = pytest.mark.anyio


async def test_no_secret_in_any_exception_or_log_line(
    wire: FaultyTransport, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    failures: list[BaseException] = []

    async def attempt(api: FlowtlyClient, method: str, path: str, body: dict[str, object] | None = None) -> None:
        try:
            await api.request(method, path, json=body)
        except errors.FlowtlyError as error:
            failures.append(error)

    echo = f'{{"code":401,"message":"Expired JWT Token for {USERNAME}:{PASSWORD}"}}'.encode()
    wire.add(
        Fault(on("GET", "/clients/3"), status=401, body=echo),
        Fault(on("GET", "/clients/5"), raises=httpx2.ReadError, times=10),
        Fault(on("PATCH", "/clients/6"), raises=httpx2.RemoteProtocolError, reach_server=True),
    )
    async with FlowtlyClient(settings(token=None, username=USERNAME, password=PASSWORD), wire, sleep=sleeps) as api:
        await attempt(api, "GET", "/clients/3")  # renewal logs the server's words
        await attempt(api, "GET", "/clients/5")
        await attempt(api, "PATCH", "/clients/6", {"dueDays": 10})
        await attempt(api, "POST", "/invoice-rows", {"productName": "x"})
        assert PASSWORD not in repr(api) and PASSWORD not in repr(api.settings)
    async with FlowtlyClient(settings(), wire, sleep=sleeps) as api:
        wire.add(Fault(on("GET", "/clients/4"), status=400, body=f'{{"detail":"bad token {TOKEN}"}}'.encode()))
        await attempt(api, "GET", "/clients/4")
        assert TOKEN not in repr(api) and TOKEN not in repr(api.settings)
    async with FlowtlyClient(settings(token=None, username=USERNAME, password="wrong-" + PASSWORD), wire) as api:
        await attempt(api, "GET", "/clients/7")

    jwts = {r.headers["authorization"][7:] for r in wire.seen if "authorization" in r.headers} - {TOKEN}
    assert jwts, "the login session should have used at least one JWT"
    secrets = {TOKEN, PASSWORD, "wrong-" + PASSWORD, *jwts}
    assert len(failures) == 5
    texts = [text for failure in failures for text in (str(failure), repr(failure), *map(str, failure.args))]
    texts += [record.getMessage() for record in caplog.records]
    assert any("Expired JWT Token for anna:***" in text for text in texts)  # the echo was logged, masked
    assert any("bad token ***" in text for text in texts)  # and the echoed token was masked in the error
    for secret in secrets:
        leaks = [text for text in texts if secret in text]
        assert leaks == [], f"a secret leaked into: {leaks[:2]}"
    for failure in failures:
        assert failure.__cause__ is None or "Authorization" not in repr(vars(failure.__cause__))


def test_the_log_filter_masks_arguments_too(caplog: pytest.LogCaptureFixture) -> None:
    from flowtly_mcp.api.redact import SECRETS, api_logger

    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    SECRETS.add("s3cr3t-value-42")
    try:
        api_logger().debug("header was %s and body %s", "Bearer abc.def.ghi", {"password": "s3cr3t-value-42"})
    finally:
        SECRETS.discard("s3cr3t-value-42")
    (record,) = caplog.records
    assert record.getMessage() == "header was Bearer *** and body {'password': '***'}"


def test_redaction_shapes() -> None:
    assert redact('{"token": "abc", "name": "n"}') == '{"token": "***", "name": "n"}'
    assert redact("password=hunter2&user=anna") == "password=***&user=anna"
    assert redact("password: This value is too short.") == "password: This value is too short."
    assert safe_target("http://h/invoices?status=paid&api_key=k1&page=2") == "/invoices?status=paid&api_key=***&page=2"
