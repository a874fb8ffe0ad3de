"""Settings from the environment, and the configuration errors that name what to set."""

from __future__ import annotations

import pytest

from flowtly_mcp.api import ApiSettings
from flowtly_mcp.api.errors import ConfigurationError


def test_defaults() -> None:
    settings = ApiSettings.from_env({})
    assert settings.base_url == "https://api.flowtly.eu"
    assert settings.path_prefix == ""
    assert (settings.connect_timeout, settings.read_timeout) == (5.0, 30.0)
    assert (settings.page_size, settings.concurrency, settings.max_retries) == (30, 4, 3)
    assert settings.login_path == "/login"
    assert settings.auth_mode == "none"


def test_environment_variables_are_read() -> None:
    settings = ApiSettings.from_env(
        {
            "FLOWTLY_BASE_URL": "http://localhost:8080/",
            "FLOWTLY_API_PREFIX": "api",
            "FLOWTLY_USERNAME": "anna",
            "FLOWTLY_PASSWORD": "pa55-word",
            "FLOWTLY_LOGIN_PATH": "auth/login",
            "FLOWTLY_TIMEOUT": "2.5",
            "FLOWTLY_PAGE_SIZE": "50",
            "FLOWTLY_CONCURRENCY": "8",
        }
    )
    assert settings.base_url == "http://localhost:8080"
    assert settings.path_prefix == "/api"
    assert settings.login_path == "/auth/login"
    assert settings.read_timeout == 2.5
    assert settings.connect_timeout == 2.5
    assert (settings.page_size, settings.concurrency) == (50, 8)
    assert settings.auth_mode == "login"
    assert settings.password is not None and settings.password.get_secret_value() == "pa55-word"


def test_secrets_never_show_in_repr() -> None:
    settings = ApiSettings(token="tok-123456", username="anna", password="pa55-word")
    assert "tok-123456" not in repr(settings)
    assert "pa55-word" not in repr(settings)
    assert "pa55-word" not in str(settings.model_dump())


def test_check_auth_names_the_variables() -> None:
    with pytest.raises(ConfigurationError, match="FLOWTLY_API_TOKEN, or FLOWTLY_USERNAME and FLOWTLY_PASSWORD"):
        ApiSettings.from_env({"FLOWTLY_API_TOKEN": "  "}).check_auth()
    with pytest.raises(ConfigurationError, match="FLOWTLY_PASSWORD is not"):
        ApiSettings.from_env({"FLOWTLY_USERNAME": "anna"}).check_auth()
    ApiSettings.from_env({"FLOWTLY_API_TOKEN": "tok-123456"}).check_auth()
    ApiSettings.from_env({"FLOWTLY_USERNAME": "anna", "FLOWTLY_PASSWORD": "pw-1234"}).check_auth()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FLOWTLY_PAGE_SIZE", "many"),
        ("FLOWTLY_PAGE_SIZE", "0"),
        ("FLOWTLY_CONCURRENCY", "1000"),
        ("FLOWTLY_TIMEOUT", "soon"),
        ("FLOWTLY_BASE_URL", "ftp://example.com"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        ApiSettings.from_env({variable: value})


def test_a_bad_value_next_to_a_secret_does_not_echo_the_secret() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ApiSettings.from_env({"FLOWTLY_API_TOKEN": "tok-secret-99", "FLOWTLY_PAGE_SIZE": "x"})
    assert "tok-secret-99" not in str(caught.value)
