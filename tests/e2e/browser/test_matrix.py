"""The production matrix fits the screen: it scrolls inside itself with its header row and event column in place,
every column is reachable, a cell with a slot per bar names the bars, and a phone gets a list per night."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from attrs import frozen

from eventflow.bootstrap import Services
from eventflow.core.model import Status
from eventflow.core.services.events import SlotChange
from tests.support.browser import SCREENSHOTS, login, open_page
from tests.support.seed import Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]
EXTRA = ("Story Instagram", "Reel TikTok", "Bannière Facebook", "Menu cocktails", "Ticket d'entrée", "Affiche vitrine",
         "Sticker comptoir", "Badge staff", "Carton VIP", "Playlist visuelle")  # fmt: skip
SCREENS = {"1440": {"width": 1440, "height": 900}, "1024": {"width": 1024, "height": 768}}


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@frozen
class Month:
    first: dt.date
    two_bars_event_id: int
    last_column: str


@pytest.fixture(scope="module")
def month(live: Live) -> Month:
    """A month of fourteen nights far from the other tests' ones, with ten types of deliverable more than the
    templates make, and a night in two bars that both have a cube LED screen."""
    _, services, _ = live
    today = services.clock.today()
    first = (today.replace(day=1) + dt.timedelta(days=32 * 7)).replace(day=1)
    bars = {b.name: b.id or 0 for b in services.bars.list()}
    perchoir, syndicat = bars["Le Perchoir"], bars["Le Syndicat"]
    ids = []
    for day in range(1, 15):
        card = services.events.create(None, f"Nuit Production {day}", first + dt.timedelta(days=day), [perchoir])
        ids.append(card.summary.event.id or 0)
    for name in EXTRA:
        services.events.add_slot(None, ids[0], name, "1080x1920")
    two = services.events.create(None, "Nuit Deux Bars", first + dt.timedelta(days=20), [perchoir, syndicat])
    two_id = two.summary.event.id or 0
    services.events.add_slot(None, two_id, "Cube LED", "768x768 mp4", bar_id=syndicat)
    return Month(first, two_id, EXTRA[-1])


@pytest.fixture(params=["1440", "1024", "phone"])
def screen(request: pytest.FixtureRequest, browser: Any, live: Live) -> Iterator[Any]:
    with open_page(browser, live[0], request.param, SCREENS.get(request.param)) as page:
        yield page


def rect(page: Any, selector: str) -> dict[str, float]:
    box: dict[str, float] = page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); "
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom} }"
    )
    return box


def test_the_matrix_fits_the_screen(screen: Any, month: Month) -> None:
    page = screen
    login(page)
    page.goto(f"{page.base}/matrix?month={month.first}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if page.profile == "phone":
        phone_list(page, month)
        return
    expect(page.locator(".matrix")).to_be_visible()
    wrap = rect(page, ".matrix-wrap")
    viewport = page.viewport_size
    assert wrap["right"] <= viewport["width"] and wrap["bottom"] <= viewport["height"], (
        "the matrix and its scroll bars are on the screen"
    )
    page.screenshot(path=str(SCREENSHOTS / f"matrix-{page.profile}.png"))

    page.locator(".matrix-wrap").evaluate("el => { el.scrollLeft = el.scrollWidth; el.scrollTop = el.scrollHeight; }")
    page.wait_for_timeout(100)
    last = rect(page, f'.matrix thead th:has-text("{month.last_column}")')
    assert wrap["left"] <= last["left"] and last["right"] <= wrap["right"] + 1, "the last column is reachable"
    header = rect(page, ".matrix thead th")
    assert abs(header["top"] - wrap["top"]) <= 2, "the header row stays at the top"
    event = rect(page, ".matrix tbody tr:last-child th")
    assert abs(event["left"] - wrap["left"]) <= 2, "the event column stays at the left"
    page.screenshot(path=str(SCREENSHOTS / f"matrix-scrolled-{page.profile}.png"))

    columns = [text.strip() for text in page.locator(".matrix thead th").all_text_contents()]
    row = page.locator(f'.matrix tr[data-event-id="{month.two_bars_event_id}"]')
    cube = row.locator("th, td").nth(columns.index("Cube LED"))  # one slot per bar, each named
    expect(cube.locator(".cell-bar")).to_have_text(["Le Perchoir", "Le Syndicat"])
    door = row.locator("th, td").nth(columns.index("Door LED"))  # only Le Syndicat has a door screen
    expect(door.locator(".cell-bar")).to_have_text(["Le Syndicat"])


def phone_list(page: Any, month: Month) -> None:
    expect(page.locator(".matrix")).to_be_hidden()
    nights = page.locator(".matrix-list .matrix-night")
    expect(nights).to_have_count(15)
    first = nights.first
    expect(first.locator(".matrix-event")).to_contain_text("Nuit Production 1")
    expect(first.locator(".matrix-items li", has_text=month.last_column)).to_be_visible()
    two = page.locator(f'.matrix-night[data-event-id="{month.two_bars_event_id}"]')
    cubes = two.locator(".matrix-items li", has_text="Cube LED")
    expect(cubes.locator(".cell-bar")).to_have_text(["Le Perchoir", "Le Syndicat"])
    for item in first.locator(".matrix-items li").all()[:3]:
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / "matrix-phone.png"), full_page=True)


@pytest.fixture(scope="module")
def usual_month(live: Live) -> dt.date:
    """A month like the demo's: a night in two bars with six types of deliverable, every one approved (the longest
    status, "Approuvé — Prêt pour l'écran"), and one more switched off for the night."""
    _, services, _ = live
    first = (services.clock.today().replace(day=1) + dt.timedelta(days=32 * 9)).replace(day=1)
    bars = {b.name: b.id or 0 for b in services.bars.list()}
    two_bars = [bars["Le Perchoir"], bars["Le Syndicat"]]
    night = services.events.create(None, "Nuit Approuvée", first + dt.timedelta(days=3), two_bars).summary.event.id or 0
    for name in ("Story Instagram", "Totem"):
        services.events.add_slot(None, night, name, "1080x1920 mp4")
    for view in services.events.card(night).slots:
        services.events.update_slot(None, view.slot.id or 0, SlotChange(status=Status.APPROVED))
    menu = services.events.add_slot(None, night, "Menu cocktails", "A5 PDF")
    services.events.update_slot(None, menu.id or 0, SlotChange(enabled=False))
    return first


def test_a_usual_month_fits_whole_and_every_status_stays_in_its_chip(screen: Any, usual_month: dt.date) -> None:
    """At 1440 and 1024 px the six columns of a usual month are all on the screen, no sideways scrolling; on a
    phone as on a desktop, a long status wraps inside its chip instead of running out of it."""
    page = screen
    login(page)
    page.goto(f"{page.base}/matrix?month={usual_month}")
    expect(page.locator(".cell-status").first).to_be_attached()
    if page.profile != "phone":
        assert page.locator(".matrix-wrap").evaluate("el => el.scrollWidth <= el.clientWidth + 1"), (
            "every column of a usual month is on the screen"
        )
    chips = page.locator(".matrix-wrap .cell:visible, .matrix-list .cell:visible")
    expect(chips.first).to_contain_text("Approuvé")
    expect(page.locator(".cell.off:visible")).to_have_text("Désactivé")  # a word like the other statuses
    overflowing = chips.evaluate_all(
        "els => els.filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"
    )
    assert not overflowing, f"statuses running out of their chip: {overflowing}"
    page.screenshot(path=str(SCREENSHOTS / f"matrix-usual-{page.profile}.png"), full_page=True)
