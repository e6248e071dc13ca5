"""PRD journeys A, B and C end to end in Chromium, on a desktop viewport and on a phone (Pixel 7)."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

import pytest

from eventflow.bootstrap import Services
from eventflow.core.commands import UserChanges
from tests.support import samples
from tests.support.browser import login, shot
from tests.support.seed import MEMBER, Seeded, poster_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_visitors_are_sent_to_the_login_form_and_stay_logged_in(page: Any) -> None:
    page.goto(page.base + "/review")
    assert "/login?next=%2Freview" in page.url
    shot(page, "login")
    page.fill('input[name="email"]', MEMBER)
    page.fill('input[name="password"]', "wrong password!")
    page.click('button[type="submit"]')
    expect(page.locator(".form-error")).to_be_visible()
    page.fill('input[name="password"]', "correct horse battery")
    page.click('button[type="submit"]')
    page.wait_for_url(page.base + "/review")
    cookie = next(c for c in page.context.cookies() if c["name"] == "eventflow_session")
    assert cookie["expires"] > time.time() + 29 * 24 * 3600  # a long session: no login every time
    page.goto(page.base + "/")
    page.click(".usermenu summary")
    page.click('[data-action="logout"]')
    page.wait_for_url(re.compile(r".*/login"))


def test_journey_a_plan_a_night_from_the_month_view(page: Any, live: Live) -> None:
    _, services, _ = live
    login(page)
    today = services.clock.today()
    page.goto(f"{page.base}/admin/themes")
    month_form = page.locator(f'form[data-api="PUT /api/themes/{today:%Y-%m}"]')
    month_form.locator('input[name="name"]').fill("Cyberpunk")
    month_form.locator('button[type="submit"]').click()
    expect(page.locator("#toast")).to_be_visible()
    shot(page, "admin-themes")

    page.goto(f"{page.base}/calendar?view=month")
    expect(page.locator("#cal-title")).to_have_text("Cyberpunk")
    night = today + dt.timedelta(days=3 if page.profile == "desktop" else 4)
    page.click(f'.day[data-date="{night}"] .day-num')
    dialog = page.locator("#new-event")
    name = f"DJ Guest Star {page.profile}"
    dialog.locator('input[name="name"]').fill(name)
    dialog.get_by_text("Le Perchoir").click()
    dialog.get_by_text("Le Syndicat").click()
    dialog.locator('button[type="submit"]').click()

    card = page.locator("#overlay [data-card]")
    expect(card.locator("h1")).to_have_text(name)
    event_id = card.get_attribute("data-event-id")
    assert page.url.endswith(f"/events/{event_id}")
    names = card.locator("tr.slot .slot-name").all_inner_texts()
    assert sorted(n.replace("⚠", "").strip() for n in names) == ["Cube LED", "Door LED", "Flyer", "Poster A3"]
    shot(page, "event-card-new", full_page=False)  # an overlay: the viewport is what one sees
    card.locator(".add-slot summary").click()  # a custom slot the templates did not foresee
    card.locator('.add-slot input[name="name"]').fill("Story Instagram")
    card.locator(".add-slot button[type=submit]").click()
    expect(page.locator("#overlay tr.slot", has_text="Story Instagram")).to_be_visible()
    door = page.locator("#overlay tr.slot", has_text="Door LED")
    door.locator("details.dropdown summary").click()  # no Door LED for this night
    door.locator('[data-action="toggle-slot"]').click()
    expect(page.locator("#overlay tr.slot.disabled", has_text="Door LED")).to_be_visible()
    page.reload()  # the card has its own URL
    expect(page.locator("[data-card] h1")).to_have_text(name)
    page.goto(f"{page.base}/calendar?view=month")
    # J-3: nothing approved yet, so the new night is already late
    expect(page.locator(f'.month-grid [data-event-id="{event_id}"]')).to_have_attribute("data-health", "red")


def test_j6_with_the_flyer_not_approved_shows_red(page: Any, live: Live) -> None:
    _, _, seeded = live
    login(page)
    page.goto(f"{page.base}/calendar?view=month&date={_date_of(live, seeded.red_event_id)}")
    chip = page.locator(f'.month-grid [data-event-id="{seeded.red_event_id}"]')
    expect(chip).to_have_attribute("data-health", "red")
    if page.profile == "desktop":
        expect(chip.locator(".warn")).to_be_visible()
    shot(page, "calendar-month")
    page.goto(f"{page.base}/events/{seeded.red_event_id}")
    expect(page.locator("[data-card]")).to_have_attribute("data-health", "red")
    expect(page.locator(".card-head .late-banner")).to_contain_text("ATTENTION —")
    expect(page.locator("tr.slot.late", has_text="Flyer")).to_be_visible()
    expect(page.locator(".countdown")).to_have_text("J-6")
    shot(page, "event-card-late")


def test_journey_b_designer_drops_the_poster_and_it_goes_to_review(page: Any, live: Live) -> None:
    _, services, _ = live
    event_id = _night_in_nine_days(services, f"Nuit Tropicale {page.profile}")
    login(page)
    page.goto(f"{page.base}/calendar?view=week&date={_date_of(live, event_id)}")
    shot(page, "calendar-week")
    page.locator(f'.week-grid a[data-event-id="{event_id}"]').click()
    card = page.locator("#overlay [data-card]")
    expect(card.locator(".info-banner")).to_contain_text("J-7 dans 2 jours")
    row = card.locator("tr.slot", has_text="Poster A3")
    expect(row.locator(".missing")).to_be_visible()
    drop_file(page, row, "notes.exe", list(b"MZ\x90\x00 not a deliverable"), "application/octet-stream")
    expect(page.locator("#uploads .upload-item.failed")).to_contain_text(
        "les fichiers .exe ne sont pas acceptés comme livrables"
    )
    drop_file(page, row, "Poster A3.pdf", list(poster_pdf("NUIT TROPICALE", hue=60)), "application/pdf")
    row = page.locator("#overlay tr.slot", has_text="Poster A3")
    expect(row).to_have_attribute("data-status", "review", timeout=15_000)
    expect(row.locator(".filename")).to_have_text("Poster A3.pdf")
    shot(page, "event-card-uploaded", full_page=False)
    slot_id = int(row.get_attribute("data-slot-id"))
    slot = next(v for v in services.events.card(event_id).slots if v.slot.id == slot_id)
    assert slot.slot.status.value == "review" and [a.filename for a in slot.versions] == ["Poster A3.pdf"]


def test_journey_b_phone_photo_reaches_the_event_in_under_30_seconds_on_a_slow_network(phone: Any, live: Live) -> None:
    page = phone
    _, services, seeded = live
    login(page)
    expect(page.locator(".mobile-home h1")).to_be_visible()
    expect(page.locator(".calendar")).to_be_hidden()
    shot(page, "mobile-home")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8},
    )
    before = len(services.events.card(seeded.red_event_id).photos)
    started = time.monotonic()
    page.click('[data-action="quick-upload"]')  # tap 1
    sheet = page.locator("#quick-upload")
    sheet.locator(".choice", has_text="Soirée Disco").click()  # tap 2 (category: uniform is the default)
    expect(sheet.locator('input[name="category"][value="uniform"]')).to_be_checked()
    shot(page, "quick-upload")
    photo = samples.photo_jpeg(3000, 4000)  # a phone-sized photo, ~ what a camera hands over
    sheet.locator("input[capture]").set_input_files(  # tap 3: the camera's shutter
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    expect(sheet.locator(".upload-item.done")).to_be_visible(timeout=30_000)
    elapsed = time.monotonic() - started
    photos = services.events.card(seeded.red_event_id).photos
    assert len(photos) == before + 1 and photos[-1].category.value == "uniform"
    assert elapsed < 30, f"the photo took {elapsed:.1f} s"


def test_journey_c_validate_from_the_dashboard(page: Any, live: Live) -> None:
    _, services, seeded = live
    slot_id = _fresh_review_slot(services, seeded)
    login(page)
    page.goto(page.base + "/review")
    item = page.locator(f'.review-item[data-slot-id="{slot_id}"]')
    expect(item).to_be_visible()
    shot(page, "review")
    item.locator(".review-thumb").click()
    preview = page.locator("#preview")
    in_page = page.profile == "desktop" and page.evaluate("navigator.pdfViewerEnabled")
    expect(preview.locator("iframe.pdf-frame" if in_page else "img")).to_be_visible()  # the PDF itself, or its page
    expect(preview.locator("[data-pv-open]")).to_have_attribute("href", re.compile(r"/api/assets/\d+/content$"))
    shot(page, "preview-pdf")
    preview.locator('[data-action="close-dialog"]').click()
    item.get_by_role("link", name="Ouvrir").click()
    row = page.locator(f'#overlay tr.slot[data-slot-id="{slot_id}"]')
    expect(row).to_have_attribute("data-status", "review")
    row.get_by_role("button", name="Approuver").click()
    expect(page.locator(f'#overlay tr.slot[data-slot-id="{slot_id}"]')).to_have_attribute("data-status", "approved")
    expect(page.locator(f"#st-{slot_id} option:checked")).to_have_text("Approuvé — Prêt pour l'écran")
    stored = next(v.slot for v in services.events.card(seeded.review_event_id).slots if v.slot.id == slot_id)
    assert stored.status.value == "approved"


def test_production_matrix_and_admin_pages_render(page: Any, live: Live) -> None:
    login(page)
    pages = {"matrix": "/matrix", "calendar-quarter": "/calendar?view=quarter", "admin-users": "/admin/users"}
    pages |= {"admin-bars": "/admin/bars", "admin-templates": "/admin/templates", "admin-storage": "/admin/storage"}
    for name, path in pages.items():
        page.goto(page.base + path)
        expect(page.locator("h1").first).to_be_visible()
        shot(page, name)
        assert unlabelled_controls(page) == [], path
    page.goto(page.base + "/matrix")
    late = page.locator(".matrix .cell.late, .matrix-list .cell.late")  # the table, or on a phone the list per night
    expect(late.locator("visible=true").first).to_be_visible()


def test_every_control_has_a_name_and_the_calendar_works_by_keyboard(desktop: Any, live: Live) -> None:
    page = desktop
    _, _, seeded = live
    login(page)
    page.goto(f"{page.base}/events/{seeded.red_event_id}")
    assert unlabelled_controls(page) == []
    page.goto(f"{page.base}/calendar")
    assert unlabelled_controls(page) == []
    page.locator(".day.today .day-num").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#new-event")
    expect(dialog).to_be_visible()
    expect(dialog.locator('input[name="name"]')).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def unlabelled_controls(page: Any) -> list[str]:
    """Form controls and buttons a screen reader could not name (an input button is named by its value)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')]
             .filter(el => !(el.labels?.length || el.getAttribute('aria-label') || el.title
                             || el.textContent.trim() || el.getAttribute('placeholder')
                             || (el.matches('input[type=button], input[type=submit], input[type=reset]')
                                 && el.value)))
             .map(el => el.outerHTML.slice(0, 120))"""
    )


def drop_file(page: Any, target: Any, name: str, data: list[int], content_type: str) -> None:
    """Drag and drop a file onto ``target``, as from the desktop."""
    transfer = page.evaluate_handle(
        """([bytes, name, type]) => { const t = new DataTransfer();
             t.items.add(new File([new Uint8Array(bytes)], name, {type})); return t; }""",
        [data, name, content_type],
    )
    target.dispatch_event("drop", {"dataTransfer": transfer})


def test_the_user_menu_switches_the_language(page: Any) -> None:
    login(page, MEMBER)
    page.click(".usermenu summary")
    page.get_by_role("button", name="English").click()
    expect(page.locator(".mainnav a").first).to_have_text("Calendar")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click(".usermenu summary")
    page.get_by_role("button", name="Français").click()
    expect(page.locator(".mainnav a").first).to_have_text("Calendrier")


def _date_of(live: Live, event_id: int) -> dt.date:
    return live[1].events.card(event_id).summary.event.date


def _night_in_nine_days(services: Services, name: str) -> int:
    """J-9: the J-7 deadline is in two days."""
    bars = [b.id or 0 for b in services.bars.list()[:2]]
    card = services.events.create(None, name, services.clock.today() + dt.timedelta(days=9), bars)
    return card.summary.event.id or 0


def _fresh_review_slot(services: Services, seeded: Seeded) -> int:
    """Every run approves a slot: give it a new one waiting in review."""
    admin = services.users.by_email("ada@bars.fr")
    name = f"Story Instagram {time.monotonic_ns()}"
    slot = services.events.add_slot(admin, seeded.review_event_id, name, "1080x1920")
    data = poster_pdf("STORY", hue=120)
    services.assets.upload_version(admin, slot.id or 0, "story.pdf", io.BytesIO(data), len(data))
    return slot.id or 0


def test_big_files_go_through_resumable_tus_uploads(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, seeded = live
    admin = services.users.by_email("ada@bars.fr")
    slot = services.events.add_slot(admin, seeded.review_event_id, f"Vidéo {time.monotonic_ns()}", "mp4")
    login(page)
    page.goto(f"{page.base}/events/{seeded.review_event_id}")
    pdf = list(samples.pdf(2))
    methods: list[str] = []
    page.on("request", lambda r: methods.append(r.method) if "/api/uploads" in r.url else None)
    arrived = page.evaluate(
        """async ([bytes, slotId]) => {
             const { sendFiles } = await import("/static/js/upload.js");
             const file = new File([new Uint8Array(bytes)], "teaser.pdf", {type: "application/pdf"});
             return sendFiles([file], { slotId });
           }""",
        [pdf, slot.id],
    )
    assert arrived == 1 and methods[:2] == ["POST", "PATCH"]  # every file goes through tus, PDFs as they are
    stored = next(v for v in services.events.card(seeded.review_event_id).slots if v.slot.id == slot.id)
    assert [a.filename for a in stored.versions] == ["teaser.pdf"] and stored.slot.status.value == "review"


def test_videos_play_in_the_browser_with_seeking(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, seeded = live
    admin = services.users.by_email("ada@bars.fr")
    slot = services.events.add_slot(admin, seeded.review_event_id, f"Cube LED teaser {time.monotonic_ns()}", "mp4")
    video = samples.mp4(seconds=3)
    services.assets.upload_version(admin, slot.id or 0, "teaser.mp4", io.BytesIO(video), len(video))
    login(page)
    page.goto(f"{page.base}/events/{seeded.review_event_id}")
    page.locator(f'tr.slot[data-slot-id="{slot.id}"] [data-action="preview"]').click()
    player = page.locator("#preview video")
    expect(player).to_be_visible()
    page.wait_for_function("() => document.querySelector('#preview video').readyState >= 1", timeout=10_000)
    seeked = page.evaluate(
        """() => new Promise((resolve) => { const v = document.querySelector('#preview video');
             v.addEventListener('seeked', () => resolve(v.currentTime), { once: true }); v.currentTime = 2; })"""
    )
    assert seeked == pytest.approx(2, abs=0.5)
    shot(page, "preview-video", full_page=False)


def test_the_installed_app_shows_the_offline_page_without_network(phone: Any) -> None:
    page = phone
    login(page)
    page.wait_for_function("async () => (await navigator.serviceWorker.ready).active !== null", timeout=10_000)
    page.reload()  # now controlled by the service worker
    page.context.set_offline(True)
    page.goto(page.base + "/review")
    expect(page.locator("h1")).to_have_text("Vous êtes hors ligne")
    page.context.set_offline(False)


def test_my_bars_become_the_default_calendar_filter(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, seeded = live
    login(page, MEMBER)
    page.goto(f"{page.base}/calendar?date={_date_of(live, seeded.red_event_id)}")
    expect(page.locator(".cal-filters summary")).to_have_text("Bars : tous")  # French puts a space before ":"
    page.click(".cal-filters summary")
    page.locator(".cal-filters").get_by_label("Le Syndicat").check()
    page.click('[data-action="save-my-bars"]')
    expect(page.locator(".cal-filters summary")).to_have_text("Bars : Le Syndicat")
    mine = services.users.by_email(MEMBER).my_bar_ids
    assert [b.name for b in services.bars.list() if b.id in mine] == ["Le Syndicat"]
    page.goto(f"{page.base}/calendar?date={_date_of(live, seeded.red_event_id)}")  # no filter in the URL: my bars
    expect(page.locator(f'.month-grid [data-event-id="{seeded.red_event_id}"]')).to_have_count(0)  # Le Perchoir only
    services.users.update(None, services.users.by_email(MEMBER).id or 0, UserChanges(my_bar_ids=[]))
