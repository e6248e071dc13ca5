"""Chromium (Debian's, through Playwright) on a threaded server of a seeded SQLite data folder: see
``tests/support/browser.py``."""

from tests.support.browser import browser, desktop, live, page, phone  # noqa: F401 (fixtures)
