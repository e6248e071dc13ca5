"""The J-7 dashboard page and its CSV, the "à risque" badges on the calendar, the card and the review queue, and
the storage forecast on the admin page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.model import Bar, DeliverableTemplate, Event, User
from tests.support import samples
from tests.support.history import past_posters
from tests.support.web import Browser


@pytest.fixture
def risky(services: Services, clock: FixedClock, admin: User, bar: Bar, templates: list[DeliverableTemplate]) -> Event:
    """Nuit Disco on 12 December, seen on 3 December: its poster, not started, usually takes five days; J-7 is in
    two days. Its Cube LED waits for a review."""
    past_posters(services, clock, bar)
    clock.current = FixedClock.on(dt.date(2026, 12, 3)).current
    card = services.events.create(admin, "Nuit Disco", "2026-12-12", [bar.id or 0])
    cube = next(v.slot for v in card.slots if v.slot.name == "Cube LED")
    services.assets.upload_version(admin, cube.id or 0, "cube.png", io.BytesIO(samples.png()))
    return card.summary.event


def chip(html: str, event: Event) -> str:
    """The calendar chip of ``event``."""
    found = re.search(rf'<a [^>]*data-event-id="{event.id}".*?</a>', html, re.S)
    assert found, f"no chip for event {event.id}"
    return found[0]


def test_the_dashboard_draws_each_chart_with_its_data_table(
    services: Services, clock: FixedClock, as_member_browser: Browser, bar: Bar, templates: list[DeliverableTemplate]
) -> None:
    past_posters(services, clock, bar)
    page = as_member_browser.get("/stats", params={"from": "2026-08", "to": "2026-11"})

    assert page.status_code == 200
    html = page.text
    assert '<a href="/stats" aria-current="page">Statistiques</a>' in html  # in the nav, for everyone
    assert html.count('<svg class="chart"') == 4 and html.count('role="img"') >= 4
    assert html.count('<details class="chart-data">') == 4  # the figures behind each chart
    assert "Août 2026</th><td>1</td><td>2</td><td>50\u202f%</td>" in html
    assert "Poster A3</th><td>6</td><td>6</td><td>100\u202f%</td>" in html
    assert "Toute la soirée<" in html and "Non assigné" in html
    assert "L'attente d'un fichier" in html.replace("&#39;", "'")  # the slowest step
    assert 'href="/stats.csv?from=2026-08&amp;to=2026-11"' in html
    assert " style=" not in html and "<style" not in html


def test_the_figures_download_as_csv(
    services: Services, clock: FixedClock, as_member_browser: Browser, bar: Bar, templates: list[DeliverableTemplate]
) -> None:
    past_posters(services, clock, bar)
    download = as_member_browser.get("/stats.csv", params={"from": "2026-09", "to": "2026-10"})

    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert 'filename="eventflow-j7-2026-09-2026-10.csv"' in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["group", "key", "on_time", "total", "ratio"]
    assert ["month", "2026-09", "4", "8", "0.5000"] in rows
    assert ["type", "Cube LED", "0", "5", "0.0000"] in rows
    assert ["assignee", "unassigned", "5", "10", "0.5000"] in rows


def test_a_bad_period_is_a_422_page_and_visitors_log_in_first(
    client: falcon.testing.TestClient, as_member_browser: Browser
) -> None:
    bad = as_member_browser.get("/stats", params={"from": "2026-13"})
    assert bad.status_code == 422 and "2026-13" in bad.text
    assert client.simulate_get("/stats").status_code == 303


def test_a_night_at_risk_is_flagged_on_the_calendar_the_card_and_the_review_queue(
    as_admin_browser: Browser, risky: Event
) -> None:
    month = as_admin_browser.get("/calendar", params={"date": "2026-12-01"}).text
    week = as_admin_browser.get("/calendar", params={"date": "2026-12-12", "view": "week"}).text
    home = as_admin_browser.get("/").text
    card = as_admin_browser.get(f"/events/{risky.id}").text
    queue = as_admin_browser.get("/review").text

    assert 'data-health="orange"' in chip(month, risky) and "à risque" in chip(month, risky)
    assert "100\u202f% de risque de retard" in week
    assert home.count('class="risk-badge"') >= 2  # the calendar chip and the phone's upcoming list
    assert 'class="risk-banner"' in card
    assert "Poster A3 : d'habitude 5 jours du début à la validation, il reste 2 jours avant J-7" in card.replace(
        "&#39;", "'"
    )
    assert "à risque" in queue.split('class="review-item', 1)[1]


def test_a_night_on_track_has_no_badge(
    services: Services, as_admin_browser: Browser, admin: User, bar: Bar, templates: list[DeliverableTemplate]
) -> None:
    night = services.events.create(admin, "Jazz Brunch", "2026-12-20", [bar.id or 0]).summary.event
    month = as_admin_browser.get("/calendar", params={"date": "2026-12-01"}).text
    assert "risk-badge" not in chip(month, night)
    assert 'class="risk-banner"' not in as_admin_browser.get(f"/events/{night.id}").text


def test_the_admin_storage_page_says_when_the_quota_will_be_full(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    before = as_admin_browser.get("/admin/storage").text
    assert "le quota est loin d&#39;être plein" in before  # nothing uploaded in the last 90 days
    slot = services.events.card(event.id or 0).slots[0].slot
    services.assets.upload_version(admin, slot.id or 0, "poster.png", io.BytesIO(samples.png()))
    services.storage.quota.quota_bytes = 3 * services.storage.report().used_bytes  # two more days at today's pace
    after = as_admin_browser.get("/admin/storage").text
    assert "le quota sera plein le 27 novembre 2026" in after
