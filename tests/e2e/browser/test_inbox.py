"""The inbox in Chromium: the unread count in the header of every page, "Mes notifications" marking one then every
line read (the count follows without a reload), "Mes livrables" late first, and the card's Follow button."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eventflow.bootstrap import Services
from eventflow.core.services.events import SlotChange
from tests.support.browser import login, shot
from tests.support.seed import ADMIN, PASSWORD, Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def a_maker_with_news(services: Services, email: str) -> tuple[int, int]:
    """A new designer with two deliverables on two nights (one already late), one approved change: three lines."""
    ada = next(u for u in services.users.list() if u.email == ADMIN)
    nora = services.users.add(None, email, "Nora Graphiste", password=PASSWORD)
    bar = services.bars.list()[0]
    today = services.clock.today()
    soon = services.events.create(ada, "Nuit Néon", today + dt.timedelta(days=3), [bar.id or 0]).summary.event.id
    later = services.events.create(ada, "Bal Masqué", today + dt.timedelta(days=30), [bar.id or 0]).summary.event.id
    late = services.events.add_slot(ada, soon or 0, "Story néon", "1080x1920", assignee_id=nora.id)
    services.events.add_slot(ada, later or 0, "Affiche bal", "A3", assignee_id=nora.id)
    services.events.update_slot(ada, late.id or 0, SlotChange(status="changes_requested", reason="Plus de rose"))
    return soon or 0, later or 0


def test_the_inbox_and_its_unread_count_in_the_header(page: Any, live: Live) -> None:
    base, services, _ = live
    email = f"nora.{page.profile}@bars.fr"
    soon, later = a_maker_with_news(services, email)
    login(page, email)

    badge = page.locator("[data-inbox-link] .count-badge")
    expect(badge).to_have_text("3")
    page.goto(f"{base}/events/{later}")
    expect(page.locator("[data-inbox-link] .count-badge")).to_have_text("3")  # on every page

    page.goto(f"{base}/notifications")
    items = page.locator(".inbox-item")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Ada Lovelace demande des modifications sur « Story néon »")
    expect(page.locator(".inbox-item.unread")).to_have_count(3)
    shot(page, "notifications")
    if page.profile == "desktop":
        page.set_viewport_size({"width": 1024, "height": 800})
        shot(page, "notifications-1024")
        page.set_viewport_size({"width": 1440, "height": 900})

    items.nth(1).locator('[data-action="mark-read"]').click()
    expect(page.locator(".inbox-item.unread")).to_have_count(2)
    expect(badge).to_have_text("2")
    items.first.locator('[data-action="open-notification"]').click()  # read it on its card, then come back
    page.wait_for_url(f"{base}/events/{soon}")
    expect(page.locator("[data-inbox-link] .count-badge")).to_have_text("1")
    page.go_back()
    expect(page.locator(".inbox-item.unread")).to_have_count(1)  # not shown unread again
    expect(badge).to_have_text("1")
    page.locator('[data-action="mark-all-read"]').click()
    expect(page.locator(".inbox-item.unread")).to_have_count(0)
    expect(badge).to_be_hidden()
    page.reload()
    expect(page.locator(".inbox-item.unread")).to_have_count(0)
    expect(page.locator("[data-inbox-link] .count-badge")).to_be_hidden()

    page.goto(f"{base}/my-deliverables")
    rows = page.locator("tr[data-slot-id]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Story néon")
    expect(rows.first).to_contain_text("En retard")
    expect(rows.nth(1)).to_contain_text("Affiche bal")
    expect(page.locator("thead th").first).to_have_text("À rendre le")  # the date it is due, not "Attendus"
    if page.profile == "phone":  # rows stacked: each of the two dates says which one it is
        labels = rows.first.locator("td[data-label]").evaluate_all(
            "cells => cells.map(c => getComputedStyle(c, '::before').content)"
        )
        assert labels == ['"À rendre le"', '"Soirée"'], labels
    shot(page, "my-deliverables")
    rows.first.locator("a").click()
    page.wait_for_url(f"{base}/events/{soon}")

    follow = page.locator('[data-action="follow"]')
    expect(follow).to_have_text("Ne plus suivre")  # she works on it: she follows it
    follow.click()
    expect(follow).to_have_text("Suivre")
    follow.click()
    toast = page.locator(".toast", has_text="Vous suivez cette soirée")
    expect(toast).to_be_visible()
    box, width = toast.bounding_box(), page.viewport_size["width"]
    widest = min(640, width - 32)  # a message that wraps takes the width it may, it is no narrow bubble
    assert box["height"] < 50 or box["width"] >= widest - 1, f"a narrow bubble cutting its words: {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    shot(page, "card-follow-toast", full_page=False)
    follow.click()
    expect(follow).to_have_text("Suivre")
    shot(page, "card-follow", full_page=False)
    page.reload()
    expect(page.locator('[data-action="follow"]')).to_have_text("Suivre")
    nora = next(u for u in services.users.list() if u.email == email)
    assert nora.id not in services.events.card(soon).followers

    page.goto(f"{base}/profile")  # the e-mail preferences are called so, not like the inbox
    expect(page.locator(".profile-panel h2")).to_have_text("Mes e-mails")
    expect(page.get_by_text(f"eventflow token create {email}")).to_be_visible()


def test_earlier_lines_are_read_in_the_language_just_chosen(page: Any, live: Live) -> None:
    """A French designer switches to English from the user menu: her inbox, written while she read French, is now
    English; the reason the admin wrote stays in the admin's words."""
    base, services, _ = live
    email = f"ines.{page.profile}@bars.fr"
    a_maker_with_news(services, email)
    login(page, email)
    page.goto(f"{base}/notifications")
    items = page.locator(".inbox-item")
    expect(items.first).to_contain_text("Ada Lovelace demande des modifications sur « Story néon »")

    page.click(".usermenu summary")
    page.get_by_role("button", name="English").click()

    expect(page.locator("h1")).to_have_text("My notifications")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Ada Lovelace requested changes to “Story néon” of “Nuit Néon”")
    expect(items.first).to_contain_text("Plus de rose")
    expect(items.nth(1)).to_contain_text("Ada Lovelace assigned “Affiche bal” of “Bal Masqué”")
    expect(page.locator(".inbox-list")).not_to_contain_text("«")
    shot(page, "notifications-english")


def test_a_newcomer_s_empty_inbox_says_what_will_come_and_offers_nothing_to_mark(desktop: Any, live: Live) -> None:
    base, services, _ = live
    services.users.add(None, "zoe.nouvelle@bars.fr", "Zoé Nouvelle", password=PASSWORD)
    login(desktop, "zoe.nouvelle@bars.fr")
    desktop.goto(f"{base}/notifications")
    expect(desktop.get_by_text("Aucune notification pour le moment.")).to_be_visible()
    expect(desktop.locator('[data-action="mark-all-read"]')).to_have_count(0)
    expect(desktop.locator("[data-inbox-link] .count-badge")).to_be_hidden()
    shot(desktop, "notifications-empty")
