"""Fixtures shared by the API client tests: a sandbox, a fault-injecting transport in front of it, a client."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx2
import pytest

from flowtly_mcp.api import ApiSettings, FlowtlyClient
from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.sandbox.config import Dataset
from flowtly_mcp.sandbox.seeding import initial_dataset

from .transports import FaultyTransport

TOKEN = "test-api-token-7f3a9c"
USERNAME = "anna"
PASSWORD = "correct-horse-battery-staple"
BASE_URL = "http://flowtly.test"
PAGE_SIZE = 10


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


TODAY = date(2025, 9, 30)


@functools.cache
def seed_dataset() -> Dataset:
    """The seed generator's output, made once: every test then starts from the same fresh copy of it."""
    return initial_dataset(SandboxConfig(today=TODAY), TODAY)


def make_sandbox(**options: Any) -> Sandbox:
    config: dict[str, Any] = {
        "token": TOKEN,
        "today": TODAY,
        "page_size": PAGE_SIZE,
        "users": {USERNAME: PASSWORD},
        "dataset": seed_dataset(),
    }
    config.update(options)
    return Sandbox(SandboxConfig(**config))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = make_sandbox()
    yield box
    box.close()


@pytest.fixture
def wire(sandbox: Sandbox) -> FaultyTransport:
    """The path between client and sandbox; tests add faults to it and read what crossed it."""
    return FaultyTransport(httpx2.ASGITransport(app=sandbox.app))


class SleepRecorder:
    """Stands in for anyio.sleep: records each wait the client asks for and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


def settings(**overrides: Any) -> ApiSettings:
    values: dict[str, Any] = {"base_url": BASE_URL, "token": TOKEN, "page_size": PAGE_SIZE}
    values.update(overrides)
    return ApiSettings(**values)


@pytest.fixture
async def api(wire: FaultyTransport, sleeps: SleepRecorder) -> AsyncIterator[FlowtlyClient]:
    async with FlowtlyClient(settings(), wire, sleep=sleeps) as client:
        yield client
