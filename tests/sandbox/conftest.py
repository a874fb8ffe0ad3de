"""Sandboxes for tests: a fixed calendar day, the hand-made dataset, and an HTTP client wired in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date

import httpx2
import pytest

from flowtly_mcp.sandbox import Profile, Sandbox, SandboxConfig
from flowtly_mcp.sandbox.profiles import PROFILE_ENV
from tests.sandbox.fixture import tiny_dataset

TODAY = date(2026, 3, 16)
TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MERGE = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_sandbox(**overrides: object) -> Sandbox:
    # These tests exercise the sandbox's rules through its extended fields (row amounts, open amounts, KSeF
    # status codes, problems); test_profiles.py checks the documented shape.
    settings: dict[str, object] = {
        "token": TOKEN,
        "today": TODAY,
        "dataset": tiny_dataset(TODAY),
        "profile": Profile.EXTENDED,
    }
    settings.update(overrides)
    return Sandbox(SandboxConfig(**settings))  # type: ignore[arg-type]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = make_sandbox()
    yield box
    box.close()


def client_for(box: Sandbox, *, auth: bool = True) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=box.app), base_url="http://sandbox", headers=AUTH if auth else None
    )


@pytest.fixture
async def api(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with client_for(sandbox) as client:
        yield client


@pytest.fixture(autouse=True)
def _extended_profile(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's own rules are tested on the extended profile, which shows them whole (the derived amounts,
    KSeF status codes, a transaction's problems); test_profiles covers the documented-only default."""
    if request.module.__name__.rsplit(".", 1)[-1] != "test_profiles":
        monkeypatch.setenv(PROFILE_ENV, Profile.EXTENDED.value)
