"""The calendar as handy as Asana's (issue 13, item 6), and the card's small fixes, replayed in Chromium: drag a night
to another day, duplicate / cancel / restore / delete it from its card, search nights by name across months, whole
names in the quarter and phone month views, an empty state for filters with no result, the quick-upload button off
"Ouvrir le calendrier", the status menu's whole text, and Approve buttons that look disabled when they are."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from eventflow.bootstrap import Services
from eventflow.core.services.events import SlotChange
from tests.support.browser import login, shot
from tests.support.seed import ADMIN, MEMBER, Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]
LONG_NAMES = ("Afterwork des Bénévoles", "Nuit Électro Tropicale", "Café Théâtre Impro")


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def month_ahead(services: Services, months: int) -> dt.date:
    """The first day of a month far enough ahead that no other test plans anything in it."""
    day = services.clock.today().replace(day=1)
    for _ in range(months):
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return day


def plan(services: Services, name: str, day: dt.date) -> int:
    admin = services.users.by_email(ADMIN)
    bars = [b.id or 0 for b in services.bars.list() if b.name == "Le Perchoir"]
    return services.events.create(admin, name, day, bars).summary.event.id or 0


@pytest.fixture(scope="module")
def quarter(live: Live) -> dict[str, int]:
    """Three nights with long names in a quarter of their own, and a namesake of one of them three months later."""
    _, services, _ = live
    first = month_ahead(services, 6)
    first = first.replace(month=3 * ((first.month - 1) // 3) + 1)  # a quarter's first month
    ids = {name: plan(services, name, first + dt.timedelta(days=9 + 4 * i)) for i, name in enumerate(LONG_NAMES)}
    ids["Café des Sports"] = plan(services, "Café des Sports", (first + dt.timedelta(days=100)).replace(day=20))
    return ids


def date_of(services: Services, event_id: int) -> dt.date:
    return services.events.card(event_id).summary.event.date


def open_month_of(page: Any, live: Live, event_id: int) -> tuple[Services, dt.date]:
    """The admin logged in on the month view of the night's day; the services and that day."""
    _, services, _ = live
    day = date_of(services, event_id)
    login(page)
    page.goto(f"{page.base}/calendar?view=month&date={day}")
    return services, day


def whole_names(page: Any, scope: str) -> dict[str, bool]:
    """Each night name shown under ``scope``: whether it shows whole everywhere it shows (never cut with "…")."""
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(scope + ' .ev-name')]
             .filter(el => el.offsetParent !== null)
             .reduce((whole, el) => { const name = el.textContent.trim();
                 whole[name] = (whole[name] ?? true) && el.scrollWidth <= el.clientWidth + 1; return whole; }, {})""",
        scope,
    )


def _shows_its_choice_whole(select: Any) -> bool:
    """Whether a closed menu has room for its chosen option's text (its padding and arrow, 16 px, left out)."""
    return bool(
        select.evaluate(
            """el => { const ctx = document.createElement('canvas').getContext('2d');
                 const style = getComputedStyle(el); ctx.font = style.font;
                 const text = ctx.measureText(el.options[el.selectedIndex].text).width;
                 const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
                 return text <= el.clientWidth - padding - 16; }"""
        )
    )


@contextmanager
def laptop(browser: Any, base: str) -> Iterator[Any]:
    """A 1024 px wide screen (the profile's name is its width)."""
    _, chromium = browser
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
    page = context.new_page()
    page.base, page.profile = base, "1024"
    try:
        yield page
    finally:
        context.close()


def test_quarter_and_phone_month_views_show_whole_night_names(
    page: Any, live: Live, quarter: dict[str, int], browser: Any
) -> None:
    _, services, _ = live
    first = date_of(services, quarter[LONG_NAMES[0]]).replace(day=1)
    login(page)
    page.goto(f"{page.base}/calendar?view=quarter&date={first}")
    shown = whole_names(page, ".quarter-grid")
    assert {name: shown.get(name) for name in LONG_NAMES} == dict.fromkeys(LONG_NAMES, True)
    shot(page, "calendar-quarter")
    page.goto(f"{page.base}/calendar?view=month&date={first}")
    shown = whole_names(page, ".calendar")
    assert {name: shown.get(name) for name in LONG_NAMES} == dict.fromkeys(LONG_NAMES, True)
    shot(page, "calendar-month-long-names")
    if page.profile == "desktop":
        with laptop(browser, page.base) as small:
            login(small)
            for view in ("quarter", "month"):
                small.goto(f"{small.base}/calendar?view={view}&date={first}")
                shown = whole_names(small, ".calendar")
                assert {name: shown.get(name) for name in LONG_NAMES} == dict.fromkeys(LONG_NAMES, True), view
                shot(small, f"calendar-{view}-long-names")


def test_a_very_long_night_name_does_not_stretch_its_day_in_the_month_view(desktop: Any, live: Live) -> None:
    _, services, _ = live
    day = month_ahead(services, 9) + dt.timedelta(days=14)
    name = "Soirée " + "très longue " * 16
    plan(services, name, day)
    plan(services, "Apéro court", day + dt.timedelta(days=1))
    login(desktop)
    desktop.goto(f"{desktop.base}/calendar?view=month&date={day}")
    long_chip = desktop.locator(".month-grid .ev", has_text="Soirée très longue")
    short_chip = desktop.locator(".month-grid .ev", has_text="Apéro court")
    shot(desktop, "calendar-month-very-long-name")
    assert long_chip.bounding_box()["height"] <= 4 * short_chip.bounding_box()["height"]
    assert long_chip.get_attribute("title").startswith(name.strip())


def test_a_very_long_night_name_stops_after_three_lines_on_the_phone_home(phone: Any, live: Live) -> None:
    _, services, _ = live
    name = ("Soirée " + "interminable " * 14).strip()
    event_id = plan(services, name, services.clock.today() + dt.timedelta(days=20))
    login(phone)
    phone.goto(f"{phone.base}/")
    card_name = phone.locator(f'.upcoming-card[data-event-id="{event_id}"] .upcoming-name')
    line = phone.locator(".upcoming-card .upcoming-name", has_not_text="interminable").first
    card_name.scroll_into_view_if_needed()
    shot(phone, "home-very-long-name", full_page=False)
    assert card_name.bounding_box()["height"] <= 3.5 * line.bounding_box()["height"]
    assert card_name.get_attribute("title") == name


def test_a_night_planned_on_a_past_day_is_asked_about_first(desktop: Any, live: Live) -> None:
    _, services, _ = live
    login(desktop)
    desktop.goto(f"{desktop.base}/calendar")
    desktop.get_by_role("button", name="+ Nouvel event").click()
    dialog = desktop.locator("#new-event")
    dialog.locator('input[name="name"]').fill("Soirée Coquille")
    dialog.locator('input[name="date"]').fill((services.clock.today() - dt.timedelta(days=400)).isoformat())
    dialog.locator(".chip", has_text="Le Perchoir").click()
    asked: list[str] = []
    desktop.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    dialog.get_by_role("button", name="Créer").click()
    desktop.wait_for_timeout(300)
    assert asked == ["Cette date est passée : planifier la soirée quand même ?"]
    assert not [s for s in services.events.calendar() if s.event.name == "Soirée Coquille"]
    expect(dialog).to_be_visible()
    desktop.once("dialog", lambda d: d.accept())
    dialog.get_by_role("button", name="Créer").click()
    expect(desktop).to_have_url(re.compile(r"/events/\d+"))
    assert [s for s in services.events.calendar() if s.event.name == "Soirée Coquille"]


def test_a_night_dragged_to_another_day_moves_with_its_due_dates(
    desktop: Any, live: Live, quarter: dict[str, int]
) -> None:
    page = desktop
    event_id = quarter["Nuit Électro Tropicale"]
    services, start = open_month_of(page, live, event_id)
    target = start + dt.timedelta(days=2)
    chip = page.locator(f'.month-grid .ev[data-event-id="{event_id}"]')
    expect(chip).to_have_attribute("draggable", "true")

    chip.drag_to(page.locator(f'.month-grid .day[data-date="{target}"]'))

    expect(page.locator(f'.month-grid .day[data-date="{target}"] .ev[data-event-id="{event_id}"]')).to_be_visible()
    expect(page.locator("#toast")).to_contain_text("Nuit Électro Tropicale")
    card = services.events.card(event_id)
    assert card.summary.event.date == target
    assert {v.due for v in card.slots} == {target - dt.timedelta(days=7)}
    page.reload()  # the server agrees
    expect(page.locator(f'.month-grid .day[data-date="{target}"] .ev[data-event-id="{event_id}"]')).to_be_visible()

    # the keyboard way: the date field of the card's Edit menu, and the calendar behind follows
    page.locator(f'.month-grid .ev[data-event-id="{event_id}"]').click()
    card_sheet = page.locator("#overlay [data-card]")
    expect(card_sheet.locator("h1")).to_have_text("Nuit Électro Tropicale")
    expect(card_sheet.locator(".activity")).to_contain_text("déplacé")
    card_sheet.locator(".card-edit summary").click()
    card_sheet.locator('.card-edit input[name="date"]').fill(str(start))
    card_sheet.locator('.card-edit button[type="submit"]').click()
    expect(page.locator(f'#overlay [data-card][data-date="{start}"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(f'.month-grid .day[data-date="{start}"] .ev[data-event-id="{event_id}"]')).to_be_visible()
    assert date_of(services, event_id) == start


def test_a_night_is_duplicated_cancelled_restored_and_deleted_from_its_card(
    desktop: Any, live: Live, quarter: dict[str, int]
) -> None:
    page = desktop
    source = quarter["Café Théâtre Impro"]
    services, day = open_month_of(page, live, source)
    copy_day = day + dt.timedelta(days=3)
    page.locator(f'.month-grid .ev[data-event-id="{source}"]').click()
    card = page.locator("#overlay [data-card]")
    card.locator(".card-edit summary").click()
    card.locator('[data-action="duplicate-night"]').click()
    dialog = page.locator("#duplicate-night")
    expect(dialog).to_be_visible()
    shot(page, "card-duplicate-dialog", full_page=False)
    dialog.locator('input[name="date"]').fill(str(copy_day))
    dialog.locator('button[type="submit"]').click()
    copy = page.locator(f'#overlay [data-card][data-date="{copy_day}"]')
    expect(copy.locator("h1")).to_have_text("Café Théâtre Impro")
    copy_id = int(copy.get_attribute("data-event-id") or 0)
    assert copy_id != source and page.url.endswith(f"/events/{copy_id}")
    assert {v.slot.status.value for v in services.events.card(copy_id).slots} == {"todo"}

    copy.locator(".card-edit summary").click()
    copy.locator('[data-action="cancel-night"]').click()
    expect(copy.locator(".cancelled-banner")).to_be_visible()
    shot(page, "card-cancelled", full_page=False)
    page.goto(f"{page.base}/calendar?view=month&date={copy_day}")
    expect(page.locator(f'.month-grid .ev[data-event-id="{copy_id}"]')).to_have_count(0)  # hidden by default
    page.get_by_label("Afficher les annulées").check()
    cancelled = page.locator(f'.month-grid .ev[data-event-id="{copy_id}"]')
    expect(cancelled).to_have_class(lambda_classes("ev-cancelled"))
    assert cancelled.locator(".ev-name").evaluate("el => getComputedStyle(el).textDecorationLine") == "line-through"
    shot(page, "calendar-cancelled-shown")
    cancelled.click()
    page.locator('#overlay .cancelled-banner [data-action="cancel-night"]').click()
    expect(page.locator("#overlay .cancelled-banner")).to_have_count(0)
    assert services.events.card(copy_id).summary.event.cancelled is False

    page.locator("#overlay .card-edit summary").click()
    page.locator('#overlay [data-action="delete-night"]').click()
    confirm = page.locator("#delete-night")
    expect(confirm).to_contain_text("Café Théâtre Impro")
    shot(page, "card-delete-dialog", full_page=False)
    confirm.get_by_role("button", name="Garder").click()  # changing one's mind keeps it
    assert services.events.calendar(name="Café Théâtre Impro") != []
    page.locator("#overlay .card-edit summary").click()
    page.locator('#overlay [data-action="delete-night"]').click()
    confirm.locator('[data-action="confirm-delete-night"]').click()
    expect(page.locator("#overlay [data-card]")).to_have_count(0)
    expect(page.locator(f'.ev[data-event-id="{copy_id}"]')).to_have_count(0)
    assert [s.event.id for s in services.events.calendar(name="Café Théâtre Impro")] == [source]


def lambda_classes(name: str) -> Any:
    import re

    return re.compile(rf"(^|\s){name}(\s|$)")


def test_a_member_cannot_delete_a_night_but_can_cancel_it(desktop: Any, live: Live, quarter: dict[str, int]) -> None:
    page = desktop
    login(page, MEMBER)
    page.goto(f"{page.base}/events/{quarter['Afterwork des Bénévoles']}")
    page.locator(".card-edit summary").click()
    expect(page.locator('[data-action="cancel-night"]')).to_be_visible()
    expect(page.locator('[data-action="delete-night"]')).to_have_count(0)


def test_search_finds_nights_by_name_across_months(page: Any, live: Live, quarter: dict[str, int]) -> None:
    _, services, _ = live
    login(page)
    page.goto(f"{page.base}/calendar")
    page.get_by_role("searchbox").fill("cafe")
    page.get_by_role("searchbox").press("Enter")
    results = page.locator(".search-results")
    expect(results).to_contain_text("Café des Sports")
    rows = results.locator(".night-list li")
    texts = rows.all_inner_texts()
    assert any("Café des Sports" in text for text in texts)
    sports = date_of(services, quarter["Café des Sports"])
    assert any(str(sports.year) in text and "Café des Sports" in text for text in texts)
    shot(page, "calendar-search")
    page.get_by_role("searchbox").fill("zzz introuvable")
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator(".search-results")).to_contain_text("Aucune soirée")


def test_filters_with_no_result_say_so(page: Any, live: Live, quarter: dict[str, int]) -> None:
    _, services, _ = live
    empty_month = month_ahead(services, 14)
    login(page)
    page.goto(f"{page.base}/calendar?view=month&date={empty_month}&f=1&late=1")
    expect(page.locator(".cal-empty")).to_contain_text("Aucune soirée ne correspond à ces filtres")
    page.locator(".cal-empty a").click()
    expect(page.locator(".cal-empty")).to_contain_text("Rien de prévu")
    shot(page, "calendar-empty")


def test_the_quick_upload_button_never_covers_open_the_calendar(browser: Any, live: Live) -> None:
    """On a small phone, wherever the list is scrolled, "Ouvrir le calendrier" is never under "Envoi rapide"."""
    playwright, chromium = browser
    context = chromium.new_context(**playwright.devices["iPhone SE"], locale="fr-FR")
    phone = context.new_page()
    phone.base, phone.profile = live[0], "phone-small"
    try:
        login(phone)
        link = phone.get_by_role("link", name="Ouvrir le calendrier")
        fab = phone.locator(".fab")
        expect(link).to_be_visible()
        bottom = phone.evaluate("document.documentElement.scrollHeight - window.innerHeight")
        covered = []
        for y in range(0, max(bottom, 0) + 20, 20):
            phone.evaluate(f"window.scrollTo(0, {y})")
            a, b = link.bounding_box(), fab.bounding_box()
            if not (a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]):
                covered.append(y)
        assert covered == [], f"the quick-upload button covers 'Ouvrir le calendrier' when scrolled to {covered}"
        shot(phone, "home-fab")
    finally:
        context.close()


def test_the_status_menu_shows_its_whole_text_and_disabled_approve_looks_disabled(
    desktop: Any, live: Live, browser: Any
) -> None:
    _, services, seeded = live
    admin = services.users.by_email(ADMIN)
    red = services.events.card(seeded.red_event_id)
    poster = next(v.slot for v in red.slots if v.slot.name == "Poster A3")
    services.events.update_slot(admin, poster.id or 0, SlotChange(status="approved"))
    try:
        with laptop(browser, desktop.base) as small:
            for page in (desktop, small):
                login(page)
                page.goto(f"{page.base}/events/{seeded.red_event_id}")
                select = page.locator(f'tr[data-slot-id="{poster.id}"] select.status-select')
                expect(select.locator("option:checked")).to_have_text("Approuvé — Prêt pour l'écran")
                assert _shows_its_choice_whole(select), f"the status menu cuts its text at {page.profile}"
                disabled = page.locator("tr.slot .btn-approve[disabled]").first
                expect(disabled).to_be_visible()
                disabled.hover(force=True)
                look = disabled.evaluate(
                    "el => ({bg: getComputedStyle(el).backgroundColor, cursor: getComputedStyle(el).cursor})"
                )
                assert look["cursor"] == "not-allowed"
                assert look["bg"] not in ("rgb(6, 118, 71)", "rgb(5, 96, 58)"), "a disabled Approve looks clickable"
                shot(page, "card-status-and-approve", full_page=False)
    finally:
        services.events.update_slot(admin, poster.id or 0, SlotChange(status="todo"))


def inside_width(page: Any, locator: Any) -> bool:
    """Whether ``locator`` shows whole across the width of the screen (not cut by its right or left edge)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_on_a_1024_px_screen_every_deliverable_row_shows_its_buttons_without_scrolling_sideways(
    live: Live, browser: Any
) -> None:
    _, _, seeded = live
    with laptop(browser, live[0]) as page:
        login(page)
        day = date_of(live[1], seeded.red_event_id)
        page.goto(f"{page.base}/calendar?view=month&date={day}")
        page.locator(f'.month-grid .ev[data-event-id="{seeded.red_event_id}"]').click()
        card = page.locator("#overlay [data-card]")
        expect(card.locator("h1")).to_be_visible()
        wrap = card.locator(".slots").locator("xpath=..")
        room, needed = wrap.evaluate("el => [el.clientWidth, el.scrollWidth]")
        assert needed <= room, f"the deliverables table is {needed - room} px wider than its panel at 1024 px"
        for button in card.locator("tr.slot .btn-approve, tr.slot label.btn").all():
            assert inside_width(page, button), f"{button.text_content()!r} is cut at 1024 px"
        # the specs stay in sight, under the deliverable's name
        expect(card.locator('tr.slot th:has-text("Flyer")')).to_contain_text("A6 PDF recto-verso")
        shot(page, "card-1024", full_page=False)


def test_on_a_phone_the_card_head_keeps_its_close_button_and_edit_menu_on_screen(phone: Any, live: Live) -> None:
    _, services, _ = live
    event_id = plan(services, "Anniversaire Extraordinaire", month_ahead(services, 20))
    login(phone)
    phone.goto(f"{phone.base}/events/{event_id}")
    head = phone.locator("[data-card] .card-head-top")
    for control in (head.locator(".card-close"), head.locator(".card-edit summary"), head.locator(".follow-btn")):
        assert inside_width(phone, control), f"{control.get_attribute('class')} is cut off on a phone"
    head.locator(".card-edit summary").click()
    panel = head.locator(".card-edit .dropdown-panel")
    expect(panel).to_be_visible()
    assert inside_width(phone, panel), "the Edit menu is cut off on a phone"
    shot(phone, "card-head-phone", full_page=False)


def test_a_french_card_warns_of_lateness_in_french(page: Any, live: Live) -> None:
    _, _, seeded = live
    login(page)
    page.goto(f"{page.base}/events/{seeded.red_event_id}")
    banner = page.locator(".card-head .late-banner")
    expect(banner).to_contain_text(re.compile(r"^⚠ ATTENTION — \d+ livrables? en retard"))
    expect(banner).not_to_contain_text("WARNING")


def test_a_copy_or_a_move_to_a_past_day_is_asked_about_first(desktop: Any, live: Live) -> None:
    """A typo in the year of the duplicate's date or of the Edit menu's date is caught like a new night's."""
    _, services, _ = live
    event_id = plan(services, "Soirée Voyage Temporel", month_ahead(services, 22))
    day = date_of(services, event_id)
    past = (services.clock.today() - dt.timedelta(days=400)).isoformat()
    login(desktop)
    desktop.goto(f"{desktop.base}/events/{event_id}")
    card = desktop.locator("[data-card]")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    desktop.on("dialog", dismiss)
    card.locator(".card-edit summary").click()
    card.locator('[data-action="duplicate-night"]').click()
    duplicate = desktop.locator("#duplicate-night")
    duplicate.locator('input[name="date"]').fill(past)
    duplicate.locator('button[type="submit"]').click()
    desktop.wait_for_timeout(300)
    assert asked == ["Cette date est passée : planifier la soirée quand même ?"]
    assert [s.event.id for s in services.events.calendar(name="Soirée Voyage Temporel")] == [event_id]
    duplicate.locator('[data-action="close-dialog"]').first.click()

    card.locator(".card-edit summary").click()
    card.locator('.card-edit input[name="date"]').fill(past)
    card.locator('.card-edit button[type="submit"]').click()
    desktop.wait_for_timeout(300)
    assert len(asked) == 2 and date_of(services, event_id) == day
    card.locator('.card-edit input[name="date"]').fill(str(day))
    card.locator('.card-edit input[name="name"]').fill("Soirée Voyage Temporel II")  # its own date: nothing asked
    card.locator('.card-edit button[type="submit"]').click()
    expect(desktop.locator("[data-card] h1")).to_have_text("Soirée Voyage Temporel II")
    assert len(asked) == 2


def test_the_night_actions_show_the_apps_icons_not_characters_a_font_may_lack(desktop: Any, live: Live) -> None:
    """The glyphs "⧉" and "🗑" were empty boxes on a computer without an emoji font; the app draws its own icons."""
    _, _, seeded = live
    login(desktop)
    desktop.goto(f"{desktop.base}/events/{seeded.red_event_id}")
    desktop.locator(".card-edit summary").click()
    items = desktop.locator(".night-actions .menu-item")
    expect(items).to_have_count(3)
    for item in items.all():
        expect(item.locator(".ico")).to_be_visible()
        assert re.match(r"^[A-Za-zÀ-ÿ]", (item.text_content() or "").strip()), item.text_content()
    shot(desktop, "card-night-actions", full_page=False)


def test_the_quarter_rings_today_once_on_its_own_month_and_phone_lists_keep_the_dot_off_the_name(
    page: Any, live: Live, quarter: dict[str, int]
) -> None:
    """Today was also ringed as an empty box in the next or last mini month; on a phone, "●Name" read as one blob."""
    _, services, _ = live
    login(page)
    today = services.clock.today()
    page.goto(f"{page.base}/calendar?view=quarter&date={today}")
    ringed = page.locator(".mini-day").evaluate_all(
        "cells => cells.filter(c => getComputedStyle(c).outlineStyle !== 'none')"
        "  .map(c => c.querySelector('.mini-num').textContent.trim() + (c.classList.contains('other') ? ' other' : ''))"
    )
    assert ringed == [str(today.day)], ringed
    day = date_of(services, quarter["Café Théâtre Impro"])
    page.goto(f"{page.base}/calendar?view=quarter&date={day}")
    chip = page.locator(".night-list .ev", has_text="Café Théâtre Impro").first
    dot, name = chip.locator(".dot").bounding_box(), chip.locator(".ev-name").bounding_box()
    assert name["x"] - (dot["x"] + dot["width"]) >= 4, f"the dot touches the name at {page.profile}"


def test_the_week_view_keeps_each_days_plus_button_inside_its_day_at_1024_px(live: Live, browser: Any) -> None:
    with laptop(browser, live[0]) as page:
        login(page)
        page.goto(f"{page.base}/calendar?view=week&date=2026-09-30")  # "Mercredi 30 sept." and its neighbours
        for day in page.locator(".week-grid .week-day").all():
            cell, plus = day.bounding_box(), day.locator('header [data-action="new-event"]').bounding_box()
            assert plus["x"] + plus["width"] <= cell["x"] + cell["width"] - 2, (
                f"+ sticks out of {day.get_attribute('data-date')}"
            )
            date = day.locator("header strong").bounding_box()
            assert date["x"] + date["width"] <= plus["x"], f"the date runs under + on {day.get_attribute('data-date')}"
        shot(page, "week-1024", full_page=False)


def test_the_phone_week_view_reads_weekday_and_date_together_and_keeps_the_dot_off_the_name(
    phone: Any, live: Live, quarter: dict[str, int]
) -> None:
    _, services, _ = live
    day = date_of(services, quarter["Nuit Électro Tropicale"])
    login(phone)
    phone.goto(f"{phone.base}/calendar?view=week&date={day}")
    head = phone.locator(f'.week-day[data-date="{day}"] header')
    weekday, date = head.locator("span.muted").bounding_box(), head.locator("strong").bounding_box()
    assert date["x"] - (weekday["x"] + weekday["width"]) <= 12, "the date floats away from its weekday"
    chip = phone.locator(".week-event .ev", has_text="Nuit Électro Tropicale")
    dot, name = chip.locator(".dot").bounding_box(), chip.locator(".ev-name").bounding_box()
    assert name["x"] - (dot["x"] + dot["width"]) >= 4, "the dot touches the name"
    shot(phone, "week-phone", full_page=False)


def test_on_a_phone_a_deliverables_file_name_uses_the_width_of_the_screen(phone: Any, live: Live) -> None:
    """ "Flyer — Karaok…" was cut at 140 px on a 412 px wide phone with room to spare."""
    import io

    from tests.support import samples

    _, services, _ = live
    event_id = plan(services, "Soirée Nom De Fichier", month_ahead(services, 24))
    flyer = next(v.slot for v in services.events.card(event_id).slots if v.slot.name == "Flyer")
    data = samples.pdf(1)
    admin = services.users.by_email(ADMIN)
    services.assets.upload_version(admin, flyer.id or 0, "Flyer Soirée Nom De Fichier.pdf", io.BytesIO(data), len(data))
    login(phone)
    phone.goto(f"{phone.base}/events/{event_id}")
    name = phone.locator(f'tr.slot[data-slot-id="{flyer.id}"] .filename')
    expect(name).to_have_text("Flyer Soirée Nom De Fichier.pdf")
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth"), "the file name is cut though the screen has room"


def test_on_a_1024_px_screen_the_assignee_menu_shows_the_whole_name(live: Live, browser: Any) -> None:
    """Names ("Léa Bernarc", "Inès Moreau") were cut at their last letter: the column keeps room for a name."""
    _, services, _ = live
    event_id = plan(services, "Soirée Responsables", month_ahead(services, 26))
    flyer = next(v.slot for v in services.events.card(event_id).slots if v.slot.name == "Flyer")
    admin = services.users.by_email(ADMIN)
    chloe = services.users.by_email("chloe@bars.fr")
    services.events.update_slot(admin, flyer.id or 0, SlotChange(assignee_id=chloe.id))
    with laptop(browser, live[0]) as page:
        login(page)
        page.goto(f"{page.base}/events/{event_id}")
        select = page.locator(f'tr.slot[data-slot-id="{flyer.id}"] select[data-patch="assignee_id"]')
        expect(select.locator("option:checked")).to_have_text("Chloé Manager")
        assert _shows_its_choice_whole(select), "the assignee menu cuts the name at 1024 px"
