"""Collaboration in Chromium: threads, @mention completion, slot comments, edit/delete traces, the activity filter,
the PDF preview, the audit log and the notification settings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from eventflow.bootstrap import Services
from tests.support.browser import login, shot
from tests.support.seed import ADMIN, Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def fresh_event(services: Services, name: str) -> int:
    ada = next(u for u in services.users.list() if u.email == ADMIN)
    bar = services.bars.list()[0]
    card = services.events.create(ada, name, services.clock.today() + dt.timedelta(days=20), [bar.id or 0])
    return card.summary.event.id or 0


def send_comment(page: Any, text: str) -> None:
    box = page.locator("#comment-text")
    box.press_sequentially(text)
    page.locator('.comment-form button[type="submit"]').click()


def test_a_thread_with_mentions_replies_slot_comments_edits_and_a_deletion(desktop: Any, live: Live) -> None:
    page = desktop
    event_id = fresh_event(live[1], "Apéro Collab")
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    page.on("dialog", lambda dialog: dialog.accept())

    box = page.locator("#comment-text")
    box.press_sequentially("Le flyer pour @ma")
    options = page.locator(".mention-list [role=option]")
    expect(options.first).to_be_visible()
    assert "Max Designer" in options.all_inner_texts()[0] or "Max Designer" in " ".join(options.all_inner_texts())
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press_sequentially("x")
    expect(options).to_have_count(1)
    box.press("Enter")
    expect(page.locator(".mention-list")).to_be_hidden()
    assert box.input_value() == "Le flyer pour @max "
    box.press_sequentially("stp @ch")
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(page.locator(".mention-list")).to_be_hidden()
    box.press("Backspace")
    box.press("Backspace")
    box.press("Backspace")
    page.locator('.comment-form button[type="submit"]').click()
    first = page.locator(".comment").first
    expect(first.locator(".mention")).to_have_text("@max")

    first.locator('[data-action="reply-comment"]').click()
    expect(page.locator("[data-comment-context]")).to_contain_text("Ada Lovelace")
    send_comment(page, "Je relance Max")
    reply = page.locator(".comment.depth-1")
    expect(reply).to_contain_text("Je relance Max")

    poster = page.locator("tr.slot", has_text="Poster A3")
    poster.locator('[data-action="slot-comments"]').click()
    expect(page.locator("[data-comment-context]")).to_contain_text("Poster A3")
    expect(page.locator("[data-comment-empty]")).to_be_visible()
    send_comment(page, "Logo plus grand")
    expect(poster.locator('[data-action="slot-comments"]')).to_have_text("1")
    expect(page.locator(".comment:visible")).to_have_count(1)  # the thread stays filtered on the poster
    expect(page.locator(".comment:visible .tag-slot")).to_have_text("Poster A3")
    page.select_option("[data-comment-filter]", "")
    expect(page.locator(".comment:visible")).to_have_count(3)

    page.locator(".comment").first.locator('[data-action="edit-comment"]').click()
    editor = page.locator(".comment-edit textarea")
    editor.fill("Le flyer pour @max, version finale")
    page.locator('.comment-edit button[type="submit"]').click()
    expect(page.locator(".comment").first).to_contain_text("(modifié)")
    page.locator(".comment.depth-1 [data-action='delete-comment']").click()
    expect(page.locator(".comment.depth-1")).to_contain_text("message supprimé")
    expect(page.locator(".comment.depth-1 [data-action]")).to_have_count(0)

    page.locator('[data-action="activity-filter"][data-kind="comments"]').click()
    shown = page.locator(".activity li[data-kind]:visible")
    expect(shown).to_have_count(5)  # added x3, edited, deleted
    expect(page.locator(".activity")).to_contain_text("a supprimé un commentaire")
    page.locator("#comments").scroll_into_view_if_needed()
    shot(page, "card-comments", full_page=False)


def test_a_pdf_opens_inside_the_page_on_a_desktop_and_as_an_image_on_a_phone(page: Any, live: Live) -> None:
    login(page)
    page.goto(f"{page.base}/events/{live[2].review_event_id}")
    page.locator(f'tr.slot[data-slot-id="{live[2].review_slot_id}"] [data-action="preview"]').click()
    dialog = page.locator("#preview")
    expect(dialog).to_be_visible()
    has_viewer = page.evaluate("navigator.pdfViewerEnabled")
    if page.profile == "desktop" and has_viewer:
        frame = dialog.locator("iframe.pdf-frame")
        expect(frame).to_have_attribute("src", re.compile(r"/api/assets/\d+/content$"))
        page.wait_for_timeout(1500)  # the viewer draws the page after the frame loads: let the screenshot show it
    else:
        expect(dialog.locator("img")).to_be_visible()
        expect(dialog.locator("[data-pv-note]")).to_be_visible()
    shot(page, "pdf-preview", full_page=False)


def test_admins_search_the_audit_log_and_everyone_sets_their_notifications(page: Any, live: Live) -> None:
    login(page)
    page.goto(f"{page.base}/admin/audit")
    page.select_option('select[name="entity_type"]', "comment")
    page.locator('.audit-filters button[type="submit"]').click()
    page.wait_for_url(re.compile(r".*entity_type=comment"))
    rows = page.locator("tr[data-action-name]")
    expect(rows.first).to_be_visible()
    assert all(name.startswith("comment.") for name in rows.evaluate_all("rows => rows.map(r => r.dataset.actionName)"))
    expect(page.locator('a[href^="/admin/audit.csv?entity_type=comment"]')).to_be_visible()
    shot(page, "admin-audit")

    page.goto(f"{page.base}/profile")
    digest = page.locator('input[name="notifications"][value="digest"]')
    was = digest.is_checked()
    digest.set_checked(not was)
    page.locator('.profile-panel button[type="submit"]').click()
    expect(page.locator("#toast")).to_be_visible()
    expect(page.locator('input[name="notifications"][value="digest"]')).to_be_checked(checked=not was)
    shot(page, "profile")
    digest = page.locator('input[name="notifications"][value="digest"]')
    digest.set_checked(was)
    page.locator('.profile-panel button[type="submit"]').click()
    expect(page.locator("#toast")).to_be_visible()


def test_on_a_phone_a_tap_on_a_suggestion_completes_the_mention(phone: Any, live: Live) -> None:
    page = phone
    login(page)
    page.goto(f"{page.base}/events/{live[2].review_event_id}")
    box = page.locator("#comment-text")
    box.scroll_into_view_if_needed()
    box.press_sequentially("Merci @chlo")
    option = page.locator(".mention-list [role=option]")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("Chloé Manager")
    page.evaluate("document.querySelector('.mention-list').scrollIntoView({block: 'center'})")
    shot(page, "card-comments", full_page=False)
    option.click()
    assert box.input_value() == "Merci @chloe "
    expect(page.locator(".mention-list")).to_be_hidden()


def test_a_comment_sent_after_the_session_ended_says_to_log_in_again_and_keeps_the_text(
    desktop: Any, live: Live
) -> None:
    _, services, _ = live
    event_id = fresh_event(services, "Session expirée")
    login(desktop)
    desktop.goto(f"{desktop.base}/events/{event_id}")
    desktop.context.clear_cookies()  # the session expired while the card was open
    send_comment(desktop, "Mon texte")
    error = desktop.locator(".comment-form .form-error")
    expect(error).to_contain_text("Vous n'êtes plus connecté")
    expect(error).not_to_contain_text("api/session")
    expect(desktop.locator("#comment-text")).to_have_value("Mon texte")
