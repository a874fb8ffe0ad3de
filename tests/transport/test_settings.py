"""HTTP settings: what the environment and flags configure, and the deployments that are refused before listening."""

from __future__ import annotations

import pytest

from flowtly_mcp.config import ConfigError
from flowtly_mcp.transport.guards import matches
from flowtly_mcp.transport.http import create_app
from flowtly_mcp.transport.settings import HttpSettings, is_loopback

from .conftest import BASE_URL, server_settings


def test_reads_the_environment_and_lets_flags_win() -> None:
    env = {
        "FLOWTLY_HTTP_HOST": "0.0.0.0",
        "FLOWTLY_HTTP_PORT": "9100",
        "FLOWTLY_HTTP_TOKENS": " first-token , second-token ,",
        "FLOWTLY_HTTP_PUBLIC_URL": "https://mcp.example.com/flowtly/mcp",
        "FLOWTLY_HTTP_ALLOWED_HOSTS": "mcp.internal, 10.0.0.5:8000",
    }
    settings = HttpSettings.from_env(env, port=9200, workers=None)
    assert (settings.host, settings.port, settings.workers) == ("0.0.0.0", 9200, 1)
    assert [token.get_secret_value() for token in settings.tokens] == ["first-token", "second-token"]
    assert settings.public_path == "/flowtly/mcp"
    assert "second-token" not in repr(settings)
    assert HttpSettings.from_env(settings.to_env()) == settings.model_copy(update={"port": 9200})


def test_worker_count_comes_from_web_concurrency_too() -> None:
    assert HttpSettings.from_env({"WEB_CONCURRENCY": "4"}).workers == 4
    assert HttpSettings.from_env({"WEB_CONCURRENCY": "4", "FLOWTLY_HTTP_WORKERS": "2"}).workers == 2


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FLOWTLY_HTTP_PORT": "eighty"}, "FLOWTLY_HTTP_PORT must be a whole number"),
        ({"FLOWTLY_HTTP_PORT": "70000"}, "FLOWTLY_HTTP_PORT must be a TCP port"),
        ({"FLOWTLY_HTTP_WORKERS": "0"}, "FLOWTLY_HTTP_WORKERS must be at least 1"),
        ({"FLOWTLY_HTTP_PUBLIC_URL": "mcp.example.com"}, "FLOWTLY_HTTP_PUBLIC_URL must be the MCP endpoint's URL"),
        ({"FLOWTLY_HTTP_PUBLIC_URL": "https://x.example/mcp?a=1"}, "FLOWTLY_HTTP_PUBLIC_URL must be"),
        ({"FLOWTLY_HTTP_PUBLIC_URL": "https://x.example/"}, "FLOWTLY_HTTP_PUBLIC_URL must be"),
    ],
)
def test_unusable_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        HttpSettings.from_env(env)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.168.1.20", "mcp.example.com"])
def test_addresses_others_can_reach(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match="without authentication: set FLOWTLY_HTTP_TOKENS"):
        HttpSettings(host=host).check(server_settings())
    HttpSettings.from_env({"FLOWTLY_HTTP_TOKENS": "a-long-random-token"}, host=host).check(server_settings())


def test_several_workers_need_a_shared_confirmation_secret() -> None:
    with pytest.raises(ConfigError, match="shared FLOWTLY_CONFIRM_SECRET"):
        HttpSettings(workers=2).check(server_settings())
    HttpSettings(workers=2).check(server_settings(FLOWTLY_CONFIRM_SECRET="s" * 43))
    # With confirmation switched off there are no tokens to share.
    HttpSettings(workers=2).check(server_settings(FLOWTLY_CONFIRM="off"))
    # Under auto every decision lives in the shared approval store: nothing is signed.
    HttpSettings(workers=2).check(server_settings(FLOWTLY_CONFIRM="auto"))


def test_one_worker_without_a_secret_starts_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    HttpSettings().check(server_settings())
    assert "FLOWTLY_CONFIRM_SECRET is not set" in caplog.text


def test_the_app_factory_applies_the_same_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWTLY_BASE_URL", BASE_URL)
    monkeypatch.setenv("FLOWTLY_API_TOKEN", "server-token")
    monkeypatch.delenv("FLOWTLY_CONFIRM_SECRET", raising=False)
    monkeypatch.delenv("FLOWTLY_HTTP_TOKENS", raising=False)
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("FLOWTLY_CONFIRM", "agent")  # only agent tokens are signed
    with pytest.raises(ConfigError, match="shared FLOWTLY_CONFIRM_SECRET"):
        create_app()
    monkeypatch.delenv("FLOWTLY_CONFIRM")
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("FLOWTLY_HTTP_HOST", "0.0.0.0")
    with pytest.raises(ConfigError, match="without authentication"):
        create_app()
    monkeypatch.setenv("FLOWTLY_HTTP_TOKENS", "a-long-random-token")
    assert callable(create_app())


def test_public_url_adds_its_host_and_origin() -> None:
    settings = HttpSettings(public_url="https://mcp.example.com/mcp", allowed_hosts=("mcp.internal",))
    hosts, origins = settings.host_patterns(), settings.origin_patterns()
    assert matches("mcp.example.com", hosts)
    assert matches("mcp.internal:8443", hosts)
    assert matches("127.0.0.1:8000", hosts)
    assert not matches("evil.example", hosts)
    assert matches("https://mcp.example.com", origins)
    assert not matches("https://evil.example", origins)


@pytest.mark.parametrize(
    ("value", "patterns", "expected"),
    [
        ("localhost:8000", ["localhost:*"], True),
        ("LOCALHOST:8000", ["localhost:*"], True),
        ("localhost", ["localhost:*"], False),
        ("localhost.evil.example:80", ["localhost:*"], False),
        ("localhost:80@evil", ["localhost:*"], False),
        ("http://localhost:3000", ["http://localhost:*"], True),
        ("http://localhost:3000.evil.example", ["http://localhost:*"], False),
        ("mcp.example.com", ["mcp.example.com"], True),
    ],
)
def test_host_and_origin_patterns(value: str, patterns: list[str], expected: bool) -> None:
    assert matches(value, patterns) is expected
