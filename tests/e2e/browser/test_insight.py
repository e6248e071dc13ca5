"""The J-7 dashboard and the "à risque" badges in Chromium, on ``eventflow demo``'s data (its year of past nights
included), on a desktop and on a phone; the screenshots go to test-artifacts/screenshots for review."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest

from eventflow import demo
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.entrypoints.web.app import create_app
from tests.support.browser import QuietHandler, ThreadingServer, login, open_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class DemoSite:
    def __init__(self, base: str, services: Services, password: str) -> None:
        self.base, self.services, self.password = base, services, password

    def night(self, name: str) -> Any:
        return next(s for s in self.services.events.calendar() if s.event.name == name)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    data: Path = tmp_path_factory.mktemp("demo-data")
    services = bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": str(data)}), hasher=Argon2Hasher(fast=True))
    report = demo.seed(services)
    server = make_server("127.0.0.1", 0, create_app(services), ThreadingServer, QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield DemoSite(f"http://127.0.0.1:{server.server_port}", services, report.admin_password)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["desktop", "phone"])
def page(request: pytest.FixtureRequest, browser: Any, site: DemoSite) -> Iterator[Any]:
    with open_page(browser, site.base, request.param) as page:
        login(page, demo.ADMIN_EMAIL, site.password)
        yield page


@pytest.fixture
def phone(browser: Any, site: DemoSite) -> Iterator[Any]:
    with open_page(browser, site.base, "phone") as page:
        login(page, demo.ADMIN_EMAIL, site.password)
        yield page


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_the_dashboard_shows_a_year_of_j7_compliance(page: Any) -> None:
    page.click('.mainnav a[href="/stats"]')
    page.wait_for_url(f"{page.base}/stats")
    expect(page.locator("h1")).to_have_text("Statistiques J-7")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)
    assert page.locator("svg.chart .bar").count() >= 12  # the months, bars, types and assignees drawn
    assert page.locator(".figure-value").first.inner_text().endswith("%")
    page.locator(".chart-data summary").first.click()
    expect(page.locator(".chart-data table").first).to_be_visible()
    shot(page, "stats")
    with page.expect_download() as download:
        page.click('a[href^="/stats.csv"]')
    assert download.value.suggested_filename.startswith("eventflow-j7-")


def test_the_period_fields_show_their_whole_month_and_year_on_a_phone(browser: Any, site: DemoSite) -> None:
    """Each month field is wide enough for the longest month and its year ("septembre 2026", "September 2026") with
    its calendar button, in both languages: in English a Pixel 7 showed "December 20", the year cut by "Show"
    squeezed on the same line. English percentages are written "100%", not the French "100 %"."""
    email = "eve.english@bars.example"
    site.services.users.add(None, email, "Eve English", role="member", password=site.password, language="en")
    with open_page(browser, site.base, "phone") as page:
        login(page, email, site.password)
        page.goto(f"{page.base}/stats")
        expect(page.locator("h1")).to_have_text("J-7 statistics")
        expect(page.locator("h1 + p")).to_contain_text("The goal: 100%.")  # as "90%" below, no French space
        room = page.locator(".stats-period input[type=month]").evaluate_all(
            """inputs => inputs.map(input => {
                const style = getComputedStyle(input);
                const pen = document.createElement("canvas").getContext("2d");
                pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
                const text = Math.max(...["septembre 2026", "September 2026"].map(t => pen.measureText(t).width));
                const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                return Math.round(inner - text - 24);  // 24 px: the calendar button
            })"""
        )
        assert len(room) == 2 and min(room) >= 0, f"pixels to spare in each month field: {room}"
        shot(page, "stats-period", full_page=False)


def test_a_night_at_risk_wears_its_badge_in_the_calendar_the_card_and_the_queue(page: Any, site: DemoSite) -> None:
    mousse = site.night("Soirée Mousse")
    assert mousse.at_risk
    page.goto(f"{page.base}/calendar?view={'week' if page.profile == 'phone' else 'month'}&date={mousse.event.date}")
    grid = page.locator(".month-grid, .week-grid")  # the grid's chip (the month also lists its nights below)
    chip = grid.locator(f'.ev[data-event-id="{mousse.event.id}"]')
    expect(chip.locator(".risk-badge")).to_be_visible()
    chip.scroll_into_view_if_needed()
    shot(page, "calendar-risk", full_page=page.profile == "desktop")
    chip.click()
    banner = page.locator(".risk-banner")
    expect(banner).to_be_visible()
    assert "d'habitude" in banner.inner_text()
    shot(page, "card-risk", full_page=False)
    page.goto(f"{page.base}/review")
    item = page.locator(f'.review-item[data-event-id="{mousse.event.id}"]')
    expect(item.locator(".risk-badge")).to_be_visible()
    shot(page, "review-risk")


def test_the_phone_home_flags_upcoming_nights_at_risk(phone: Any, site: DemoSite) -> None:
    mousse = site.night("Soirée Mousse")
    phone.goto(f"{phone.base}/")
    card = phone.locator(f'.upcoming-card[data-event-id="{mousse.event.id}"]')
    expect(card.locator(".risk-badge")).to_be_visible()
    shot(phone, "home-risk", full_page=False)
