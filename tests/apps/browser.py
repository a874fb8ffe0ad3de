"""Headless Debian Chromium driven by Playwright (never a downloaded browser), for the browser tests of the views
and the approval page. Screenshots go to `.cache/screenshots/` in the repository (ignored by git), where they
outlive the run for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def find_chromium() -> str | None:
    """Debian's chromium; under CI as root, install the package when it is missing."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI") == "true" and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env, timeout=900)
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@contextmanager
def chromium_page(tmp_path: Path) -> Iterator[Any]:
    """A fresh page in a fresh headless Chromium with an empty profile; skips when no browser can be had."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = find_chromium()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; CI as root installs it itself)")
    profile = tmp_path / "chromium-profile"
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=ARGS, viewport={"width": 900, "height": 700}
        )
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            context.close()


SCREENSHOTS = Path(__file__).resolve().parents[2] / ".cache" / "screenshots"


def screenshot(page: Any, name: str) -> Path:
    """Writes `.cache/screenshots/<name>.png` and prints where, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A full-page capture beyond the viewport can leave a tall iframe half painted: grow the viewport instead.
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"] if page.viewport_size else 900
    if height > (page.viewport_size or {}).get("height", 0):
        page.set_viewport_size({"width": width, "height": height})
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")  # noqa: T201 - the path is the point: a person opens it
    return path


def collect_console(page: Any) -> list[str]:
    """Every console message of the page and its frames, as "type: text"; uncaught errors as "pageerror: …"."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages
