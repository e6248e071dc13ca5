"""Live pages: a change shows without a reload, at once on the page that made it and within seconds on the pages
other people have open (calendar, event card, review queue); counters and warnings agree with the chips."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from eventflow.bootstrap import Services
from eventflow.core.services.events import SlotChange
from tests.support.browser import login, open_page
from tests.support.seed import ADMIN, MEMBER, Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]
SOON = 8_000  # "within a few seconds": pages poll every 3 s


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def other(browser: Any, live: Live) -> Iterator[Any]:
    """A second person, in their own browser context (own cookies), on a desktop."""
    with open_page(browser, live[0], "desktop") as page:
        yield page


def never_reloaded(page: Any) -> None:
    page.evaluate("window.__stayed = true")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("window.__stayed === true"), "the page was reloaded"


def late_figures(page: Any) -> tuple[int, int]:
    """The header's late count and the late chips of the month shown (days of other months left out)."""
    banner = page.locator(".cal-hero .late-banner")
    counted = int(re.search(r"\d+", banner.inner_text()).group(0)) if banner.count() else 0  # type: ignore[union-attr]
    chips = page.locator(".month-grid .day:not(.other) .ev-late").count()
    return counted, chips


def month_of(day: dt.date) -> str:
    return f"/calendar?view=month&date={day}"


def test_a_night_created_from_a_date_cell_is_on_the_calendar_once_its_card_closes(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, _ = live
    night = services.clock.today() + dt.timedelta(days=12)
    login(page)
    page.goto(page.base + month_of(night))
    never_reloaded(page)
    page.click(f'.day[data-date="{night}"] .day-num')
    dialog = page.locator("#new-event")
    dialog.locator('input[name="name"]').fill("Nuit Sans Recharger")
    dialog.get_by_text("La Commune").click()
    dialog.locator('button[type="submit"]').click()
    card = page.locator("#overlay [data-card]")
    expect(card.locator("h1")).to_have_text("Nuit Sans Recharger")
    event_id = card.get_attribute("data-event-id")
    card.locator('[data-action="close-card"]').click()
    expect(page.locator("#overlay")).to_be_hidden()
    chip = page.locator(f'.day[data-date="{night}"] [data-event-id="{event_id}"]')
    expect(chip).to_be_visible(timeout=1_500)  # at once, not at the next poll
    expect(chip).to_contain_text("Nuit Sans Recharger")
    assert_not_reloaded(page)


def test_approving_everything_turns_the_chip_green_without_its_warning_and_the_header_counts_it_no_more(
    desktop: Any, live: Live
) -> None:
    page = desktop
    _, services, _ = live
    commune = next(b for b in services.bars.list() if b.name == "La Commune")
    night = services.clock.today() + dt.timedelta(days=3)  # J-3: nothing approved, so late
    card = services.events.create(None, "Nuit Tout Validé", night, [commune.id or 0])
    event_id = card.summary.event.id
    login(page)
    page.goto(page.base + month_of(night))
    never_reloaded(page)
    chip = page.locator(f'.month-grid [data-event-id="{event_id}"]')
    expect(chip).to_have_attribute("data-health", "red")
    expect(chip.locator(".warn")).to_be_visible()
    before, chips = late_figures(page)
    assert before == chips >= 1

    chip.click()
    for view in card.slots:
        page.select_option(f"#st-{view.slot.id}", "approved")
        expect(page.locator(f'#overlay tr.slot[data-slot-id="{view.slot.id}"]')).to_have_attribute(
            "data-status", "approved"
        )
    expect(page.locator("#overlay [data-card]")).to_have_attribute("data-health", "green")
    expect(chip).to_have_attribute("data-health", "green", timeout=1_500)
    expect(chip.locator(".warn")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator("#overlay")).to_be_hidden()
    after, chips = late_figures(page)
    assert (after, chips) == (before - 1, before - 1)
    assert_not_reloaded(page)


def test_what_one_person_changes_shows_on_the_others_calendar_card_and_review_queue(
    desktop: Any, other: Any, live: Live
) -> None:
    ada, max_ = desktop, other
    _, services, _ = live
    perchoir = next(b for b in services.bars.list() if b.name == "Le Perchoir")
    night = services.clock.today() + dt.timedelta(days=20)
    card = services.events.create(None, "Nuit en Direct", night, [perchoir.id or 0])
    event_id = card.summary.event.id
    poster, flyer = (next(v.slot for v in card.slots if v.slot.name == name) for name in ("Poster A3", "Flyer"))
    services.events.update_slot(None, poster.id or 0, SlotChange(status="review"))
    login(ada, ADMIN)
    login(max_, MEMBER)

    # Ada's calendar follows Max's new night
    ada.goto(ada.base + month_of(night))
    never_reloaded(ada)
    max_.goto(max_.base + month_of(night))
    max_.click(f'.day[data-date="{night}"] .day-num')
    max_.locator('#new-event input[name="name"]').fill("Nuit de Max")
    max_.locator("#new-event").get_by_text("Le Perchoir").click()
    max_.locator('#new-event button[type="submit"]').click()
    expect(max_.locator("#overlay [data-card] h1")).to_have_text("Nuit de Max", timeout=SOON)
    expect(ada.locator(f'.day[data-date="{night}"] .ev', has_text="Nuit de Max")).to_be_visible(timeout=SOON)

    # Max's review queue follows Ada's card, and Ada's card follows Max's queue
    max_.goto(max_.base + "/review")
    never_reloaded(max_)
    item = max_.locator(f'.review-item[data-slot-id="{poster.id}"]')
    expect(item).to_be_visible()
    ada.locator(f'.month-grid [data-event-id="{event_id}"]').click()
    ada.select_option(f"#st-{flyer.id}", "review")
    expect(max_.locator(f'.review-item[data-slot-id="{flyer.id}"]')).to_be_visible(timeout=SOON)
    ada.locator("#overlay h1").click()  # done with the menu: the card is Ada's to watch
    item.get_by_role("button", name="Approuver").click()
    expect(item).to_have_count(0, timeout=1_500)  # at once on Max's page
    row = ada.locator(f'#overlay tr.slot[data-slot-id="{poster.id}"]')
    expect(row).to_have_attribute("data-status", "approved", timeout=SOON)
    assert_not_reloaded(ada)
    assert_not_reloaded(max_)


def test_a_hidden_tab_stops_polling_and_catches_up_when_shown_again(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, _ = live
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/api/changes" in request.url else None)
    login(page)
    page.goto(page.base + "/review")
    page.wait_for_timeout(3_500)
    assert polls, "a visible page polls"
    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    polls.clear()
    bars = [services.bars.list()[0].id or 0]
    event = services.events.create(None, "Nuit Cachée", services.clock.today() + dt.timedelta(days=30), bars)
    teaser = services.events.add_slot(None, event.summary.event.id, "Teaser caché", "mp4")
    services.events.update_slot(None, teaser.id or 0, SlotChange(status="review"))
    page.wait_for_timeout(7_000)
    assert polls == [], "a hidden tab does not poll"
    expect(page.locator(".review-item", has_text="Teaser caché")).to_have_count(0)  # a name no other test uses
    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    expect(page.locator(".review-item", has_text="Teaser caché")).to_be_visible(timeout=5_000)
