"""Browser fixtures (taken by ``tests/e2e/browser/conftest.py``): a threaded WSGI server on a temporary SQLite data
folder, Debian's Chromium through Playwright; ``login``, ``shot`` and ``open_page`` for the tests.

Never ``playwright install``: the tests drive ``/usr/bin/chromium``. Without it they are skipped with a reason,
except in CI (``CI`` set) where a missing browser is a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.entrypoints.web.app import create_app
from tests.support.seed import ADMIN, PASSWORD, Seeded, seed

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services, Seeded]]:
    data = tmp_path_factory.mktemp("browser-data")
    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(data)})
    services = bootstrap(settings, hasher=Argon2Hasher(fast=True))
    seeded = seed(services)
    server = make_server("127.0.0.1", 0, create_app(services), ThreadingServer, QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", services, seeded
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it")
    from playwright.sync_api import expect, sync_playwright

    # An assertion waits as long as an action: a page reloaded on a loaded two-core machine can take over the
    # default 5 s, and a user would wait too.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield playwright, chromium
        finally:
            chromium.close()


def _context(browser: Any, phone: bool, viewport: dict[str, int] | None) -> Any:
    playwright, chromium = browser
    if phone:
        return chromium.new_context(**playwright.devices["Pixel 7"], locale="fr-FR")
    return chromium.new_context(viewport=viewport or {"width": 1440, "height": 900}, locale="fr-FR")


@contextmanager
def open_page(browser: Any, base: str, profile: str, viewport: dict[str, int] | None = None) -> Iterator[Any]:
    """A page of a fresh context: a Pixel 7 for the "phone" profile, else a desktop (1440x900 unless ``viewport``);
    a JavaScript error on it fails the test."""
    context = _context(browser, profile == "phone", viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base = base
    page.profile = profile
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
        assert not errors, f"JavaScript errors: {errors}"
    finally:
        context.close()


@pytest.fixture(params=["desktop", "phone"])
def page(request: pytest.FixtureRequest, browser: Any, live: tuple[str, Services, Seeded]) -> Iterator[Any]:
    """The journey on a 1440x900 desktop, then on a Pixel 7."""
    with open_page(browser, live[0], request.param) as page:
        yield page


@pytest.fixture
def phone(browser: Any, live: tuple[str, Services, Seeded]) -> Iterator[Any]:
    with open_page(browser, live[0], "phone") as page:
        yield page


@pytest.fixture
def desktop(browser: Any, live: tuple[str, Services, Seeded]) -> Iterator[Any]:
    with open_page(browser, live[0], "desktop") as page:
        yield page


def login(page: Any, email: str = ADMIN, password: str = PASSWORD) -> None:
    page.goto(page.base + "/")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(page.base + "/")


def shot(page: Any, name: str, full_page: bool = True) -> None:
    """Save a screenshot for review; on a phone, the page must also fit the screen's width (no sideways scroll)."""
    if page.profile == "phone":
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.profile}.png"), full_page=full_page)
