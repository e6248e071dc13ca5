"""Review in Chromium, on a desktop and on a phone: the versions of a slot, comparing two (pictures and PDF pages side
by side, under a slider and as an onion skin; two videos played and sought together), remarks pinned on a picture or
at a moment of a video (a click on the timecode seeks it), changes requested with a reason, the current version."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from attrs import frozen

from eventflow.bootstrap import Services
from eventflow.core.model import Anchor
from eventflow.core.services.review import SettingsChange
from tests.support import review_media
from tests.support.browser import login, shot
from tests.support.seed import ADMIN, MEMBER, Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]
#: The two players of the compare view, in page scripts.
PLAYERS = "[...document.querySelectorAll('dialog[data-compare] video')]"
VIEWER_VIDEO = "document.querySelector('dialog[data-viewer] video')"


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@frozen
class Night:
    event_id: int
    poster: int  # Poster A3: two PDF versions of two pages
    cube: int  # Cube LED: two 4-second loops
    story: int  # Story Instagram: two pictures


def night_with_versions(services: Services, name: str) -> Night:
    """A night whose designer (Max) sent two versions of its poster, its cube loop and its story picture."""
    ada = next(u for u in services.users.list() if u.email == ADMIN)
    max_ = next(u for u in services.users.list() if u.email == MEMBER)
    perchoir = next(b for b in services.bars.list() if b.name == "Le Perchoir")
    card = services.events.create(ada, name, services.clock.today() + dt.timedelta(days=20), [perchoir.id or 0])
    event_id = card.summary.event.id or 0
    story = services.events.add_slot(ada, event_id, "Story Instagram", "1200x800 PNG")
    slots = {v.slot.name: v.slot.id or 0 for v in services.events.card(event_id).slots}
    files = {
        "Poster A3": lambda n: ("poster.pdf", review_media.poster(n)),
        "Cube LED": lambda n: ("cube.mp4", review_media.clip(n)),
        "Story Instagram": lambda n: ("story.png", review_media.story(n)),
    }
    for slot_name, make in files.items():
        for number in (1, 2):
            filename, data = make(number)
            services.assets.upload_version(max_, slots[slot_name], f"v{number}-{filename}", io.BytesIO(data))
    return Night(event_id, slots["Poster A3"], slots["Cube LED"], story.id or 0)


def open_versions(page: Any, night: Night, slot_id: int) -> Any:
    page.goto(f"{page.base}/events/{night.event_id}")
    page.locator(f'tr.slot[data-slot-id="{slot_id}"] [data-action="toggle-versions"]').click()
    panel = page.locator(f"#versions-{slot_id}")
    expect(panel).to_be_visible()
    return panel


def test_a_slot_lists_every_version_and_any_of_them_can_be_made_current(page: Any, live: Live) -> None:
    night = night_with_versions(live[1], f"Versions {page.profile}")
    login(page)
    panel = open_versions(page, night, night.story)
    cards = panel.locator(".version-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_have_class("version-card is-current")  # newest first, and current
    expect(cards.first).to_contain_text("Max Designer")
    expect(cards.nth(1).locator("a[download]")).to_have_attribute(
        "href", f"/api/assets/{cards.nth(1).get_attribute('data-asset-id')}/content?download=1"
    )
    shot(page, "review-versions", full_page=False)

    cards.nth(1).locator('[data-action="make-current"]').click()
    v1 = page.locator(f'#versions-{night.story} .version-card[data-version="1"]')
    expect(v1).to_have_class("version-card is-current")
    expect(page.locator(f"#versions-{night.story}")).to_be_visible()  # the panel stays open
    expect(page.locator(f'tr.slot[data-slot-id="{night.story}"] .file-cell')).to_contain_text("v1")
    expect(page.locator(".activity li").first).to_contain_text("v1 de Story Instagram")
    assert live[1].events.slot(night.story).slot.current_version == 1


def test_compare_two_pdf_versions_page_by_page_side_by_side_slider_and_onion(page: Any, live: Live) -> None:
    night = night_with_versions(live[1], f"Compare PDF {page.profile}")
    login(page)
    panel = open_versions(page, night, night.poster)
    panel.locator("[data-compare-form] button[type=submit]").click()
    dialog = page.locator("dialog[data-compare]")
    expect(dialog).to_be_visible()
    if page.profile == "desktop":
        expect(dialog.locator(".compare-keys [data-keys]:visible")).to_have_text(
            [re.compile("3 pelure d'oignon"), "Page préc. et Page suiv. tournent les pages."]
        )
    expect(dialog.locator("[data-compare-title]")).to_contain_text("Poster A3 : v1 et v2")
    panes = dialog.locator(".compare-pane img")
    expect(panes).to_have_count(2)
    expect(panes.first).to_have_attribute("src", f"/api/assets/{version_asset(page, night.poster, 1)}/pages/1")
    wait_for_images(page)
    boxes = [panes.nth(i).bounding_box() for i in range(2)]
    if page.profile == "phone":
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1  # one above the other
    else:
        assert boxes[1]["x"] >= boxes[0]["x"] + boxes[0]["width"] - 1  # side by side
    assert abs(boxes[0]["width"] - boxes[1]["width"]) < 2  # the same zoom
    shot(page, "review-compare-side", full_page=False)

    dialog.locator('[data-zoom="in"]').click()
    expect(dialog.locator("[data-zoom-level]")).to_have_text("150 %")
    wait_for_images(page)
    zoomed = [panes.nth(i).bounding_box()["width"] for i in range(2)]
    assert abs(zoomed[0] - 1.5 * boxes[0]["width"]) < 3 and abs(zoomed[0] - zoomed[1]) < 2
    page.keyboard.press("0")
    expect(dialog.locator("[data-zoom-level]")).to_have_text("100 %")

    dialog.locator('[data-compare-page="1"]').click()  # page 2 of both
    expect(dialog.locator("[data-compare-page-label]")).to_have_text("Page 2 sur 2")
    expect(panes.nth(1)).to_have_attribute("src", f"/api/assets/{version_asset(page, night.poster, 2)}/pages/2")

    page.keyboard.press("2")  # the slider
    expect(dialog.locator('[data-mode="slider"]')).to_have_attribute("aria-pressed", "true")
    over = dialog.locator("img.overlay-over")
    expect(over).to_have_attribute("src", f"/api/assets/{version_asset(page, night.poster, 2)}/pages/2")
    amount = dialog.locator("[data-compare-amount]")
    amount.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")  # the keyboard moves the slider
    expect(amount).to_have_value("70")
    assert "inset(0px 0px 0px 70%)" in over.evaluate("img => getComputedStyle(img).clipPath")
    wait_for_images(page)
    shot(page, "review-compare-slider", full_page=False)

    dialog.locator('[data-mode="onion"]').click()
    amount.fill("35")
    amount.dispatch_event("input")
    assert over.evaluate("img => getComputedStyle(img).opacity") == "0.35"
    assert over.evaluate("img => getComputedStyle(img).clipPath") == "none"
    shot(page, "review-compare-onion", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_two_videos_play_and_seek_together(page: Any, live: Live) -> None:
    night = night_with_versions(live[1], f"Compare videos {page.profile}")
    login(page)
    panel = open_versions(page, night, night.cube)
    panel.locator("[data-compare-form] button[type=submit]").click()
    dialog = page.locator("dialog[data-compare]")
    videos = dialog.locator("video")
    expect(videos).to_have_count(2)
    expect(dialog.locator('[data-mode="slider"]')).to_be_hidden()  # videos compare side by side
    if page.profile == "desktop":  # the keys that work on videos, not those of pictures and pages
        keys = dialog.locator(".compare-keys [data-keys]:visible")
        expect(keys).to_have_text(["Touches : Espace lit les deux vidéos ou les met en pause."])
    page.wait_for_function(f"() => {PLAYERS}.every(v => v.readyState >= 2)")
    dialog.locator("[data-compare-play]").click()
    page.wait_for_function(f"() => {PLAYERS}.every(v => !v.paused && v.currentTime > 0.3)")
    dialog.locator("[data-compare-play]").click()  # pause both
    assert videos.evaluate_all("vs => vs.every(v => v.paused)")

    seek = dialog.locator("[data-compare-seek]")
    seek.fill("750")  # three quarters of 4 s
    seek.dispatch_event("input")
    page.wait_for_function(f"() => {PLAYERS}.every(v => Math.abs(v.currentTime - 3) < 0.15)")
    expect(dialog.locator("[data-compare-time]")).to_have_text("0:03 / 0:04")
    boxes = [videos.nth(i).bounding_box() for i in range(2)]
    if page.profile == "phone":
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1
    else:
        assert boxes[1]["x"] >= boxes[0]["x"] + boxes[0]["width"] - 1
    page.wait_for_timeout(300)  # the sought frames painted
    shot(page, "review-compare-videos", full_page=False)


def test_a_remark_pinned_on_the_logo_shows_as_a_numbered_marker(page: Any, live: Live) -> None:
    night = night_with_versions(live[1], f"Pin {page.profile}")
    login(page)
    panel = open_versions(page, night, night.story)
    panel.locator('.version-card[data-version="2"] [data-action="view-version"]').first.click()
    viewer = page.locator("dialog[data-viewer]")
    expect(viewer.locator("[data-viewer-title]")).to_contain_text("Story Instagram — v2")
    picture = viewer.locator(".stage-box img")
    expect(picture).to_be_visible()
    page.wait_for_function("() => document.querySelector('dialog[data-viewer] .stage-box img').naturalWidth > 0")
    viewer.locator('[data-tool="region"]').click()
    expect(viewer.locator('[data-tool="region"]')).to_have_attribute("aria-pressed", "true")
    box = picture.bounding_box()
    x, y = review_media.LOGO_AT
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)  # a pin on the logo
    expect(viewer.locator("[data-anchor-text]")).to_have_text("l'endroit marqué")
    viewer.locator("#viewer-text").fill("@max le logo est trop gros")
    shot(page, "review-pin-draft", full_page=False)
    viewer.locator("[data-viewer-composer] button[type=submit]").click()

    marker = viewer.locator(".stage-marks .marker-pin")
    expect(marker).to_have_text("1")
    expect(viewer.locator(".viewer-remarks li")).to_contain_text("le logo est trop gros")
    remark = live[1].comments.list(night.event_id)[-1]
    assert remark.anchor is not None and remark.anchor.version == 2 and remark.anchor.region is not None
    rx, ry, rw, rh = remark.anchor.region
    assert abs(rx - x) < 0.02 and abs(ry - y) < 0.02 and rw == rh == 0
    shot(page, "review-pin", full_page=False)

    marker.click()
    expect(viewer.locator(".viewer-remarks li.is-picked")).to_contain_text("le logo est trop gros")
    page.keyboard.press("Escape")
    chip = page.locator(f'.comment[data-comment-id="{remark.id}"] .anchor-chip')
    expect(chip).to_have_text("v2 · repère 1")
    chip.click()  # from the conversation, the version opens with the marker picked
    expect(viewer.locator(".stage-marks .marker.is-picked")).to_have_text("1")


def test_a_box_drawn_with_the_pointer_and_a_pin_placed_with_the_keyboard(desktop: Any, live: Live) -> None:
    page = desktop
    night = night_with_versions(live[1], "Box and keys")
    login(page)
    panel = open_versions(page, night, night.story)
    panel.locator('.version-card[data-version="1"] [data-action="view-version"]').first.click()
    viewer = page.locator("dialog[data-viewer]")
    picture = viewer.locator(".stage-box img")
    page.wait_for_function("() => document.querySelector('dialog[data-viewer] .stage-box img').naturalWidth > 0")
    viewer.locator('[data-tool="region"]').click()
    box = picture.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=5)
    page.mouse.up()
    viewer.locator("#viewer-text").fill("Le bandeau titre : plus de contraste")
    viewer.locator("[data-viewer-composer] button[type=submit]").click()
    expect(viewer.locator(".stage-marks .marker-box")).to_have_text("1")

    viewer.locator('[data-tool="region"]').click()
    viewer.locator(".stage-box").focus()
    page.keyboard.press("Enter")  # a pin in the middle
    for _ in range(10):
        page.keyboard.press("ArrowUp")
    viewer.locator("#viewer-text").fill("Ici, un sticker")
    viewer.locator("[data-viewer-composer] button[type=submit]").click()
    expect(viewer.locator(".stage-marks .marker")).to_have_count(2)
    expect(viewer.locator("#viewer-text")).to_have_value("")  # the composer empties once the server kept the remark
    drawn, keyed = [c.anchor for c in live[1].comments.list(night.event_id)[-2:]]
    assert drawn is not None and drawn.region is not None
    assert [round(v, 2) for v in drawn.region] == [0.1, 0.6, 0.4, 0.2]
    assert (
        keyed is not None and keyed.region is not None and [round(v, 2) for v in keyed.region] == [0.5, 0.4, 0.0, 0.0]
    )
    shot(page, "review-box", full_page=False)


def test_a_remark_is_pinned_on_a_one_page_poster_pdf_like_on_a_picture(desktop: Any, live: Live) -> None:
    """A poster is often a one-page PDF: the viewer offers the pin, not a "page 1" anchor nor a "Page 1 sur 1"
    pager."""
    page = desktop
    _, services, _ = live
    night = night_with_versions(services, "Poster one page")
    max_ = next(u for u in services.users.list() if u.email == MEMBER)
    data = review_media.poster(3, pages=1)
    services.assets.upload_version(max_, night.poster, "v3-poster.pdf", io.BytesIO(data))
    login(page)
    panel = open_versions(page, night, night.poster)
    panel.locator('.version-card[data-version="3"] [data-action="view-version"]').first.click()
    viewer = page.locator("dialog[data-viewer]")
    page.wait_for_function("() => document.querySelector('dialog[data-viewer] .stage-box img')?.naturalWidth > 0")
    expect(viewer.locator("[data-viewer-pager]")).to_be_hidden()
    expect(viewer.locator('[data-tool="page"]')).to_be_hidden()
    viewer.locator('[data-tool="region"]').click()
    viewer.locator(".stage-box").focus()
    page.keyboard.press("Enter")  # a pin in the middle
    viewer.locator("#viewer-text").fill("Le logo, plus grand")
    viewer.locator("[data-viewer-composer] button[type=submit]").click()
    expect(viewer.locator("#viewer-text")).to_have_value("")  # the server kept the remark
    expect(viewer.locator(".stage-marks .marker")).to_have_count(1)
    remark = services.comments.list(night.event_id)[-1]
    assert remark.anchor is not None and remark.anchor.version == 3 and remark.anchor.region is not None
    shot(page, "review-poster-pin", full_page=False)
    # a PDF of two pages keeps its pager and its page anchor
    viewer.locator('[data-viewer-step="-1"]').click()
    expect(viewer.locator("[data-viewer-pager]")).to_be_visible()
    expect(viewer.locator('[data-tool="page"]')).to_be_visible()
    expect(viewer.locator('[data-tool="region"]')).to_be_hidden()


def test_a_remark_at_a_moment_of_a_video_and_its_timecode_seeks_the_video(page: Any, live: Live) -> None:
    night = night_with_versions(live[1], f"Timecode {page.profile}")
    login(page)
    panel = open_versions(page, night, night.cube)
    panel.locator('.version-card[data-version="2"] [data-action="view-version"]').first.click()
    viewer = page.locator("dialog[data-viewer]")
    video = viewer.locator("video")
    page.wait_for_function(f"() => {VIEWER_VIDEO}.readyState >= 1")
    video.evaluate("v => { v.currentTime = 2.5; }")
    expect(viewer.locator('[data-tool="time"]')).to_contain_text("à 0:02")
    viewer.locator('[data-tool="time"]').click()
    expect(viewer.locator("[data-anchor-text]")).to_have_text("à 0:02")
    viewer.locator("#viewer-text").fill("Le texte arrive trop tôt")
    viewer.locator("[data-viewer-composer] button[type=submit]").click()
    expect(viewer.locator(".viewer-remarks li")).to_contain_text("Le texte arrive trop tôt")
    remark = live[1].comments.list(night.event_id)[-1]
    assert remark.anchor == Anchor(2, time=2.5)
    page.keyboard.press("Escape")

    chip = page.locator(f'.comment[data-comment-id="{remark.id}"] .anchor-chip')
    expect(chip).to_have_text("v2 · à 0:02")
    chip.scroll_into_view_if_needed()
    shot(page, "review-timecode-thread", full_page=False)
    chip.click()  # the timecode opens the video there
    expect(viewer).to_be_visible()
    page.wait_for_function(f"() => Math.abs({VIEWER_VIDEO}.currentTime - 2.5) < 0.05")
    viewer.locator(".viewer-remarks .anchor-chip").first.click()
    video.evaluate("v => { v.currentTime = 0; }")
    viewer.locator(".viewer-remarks .anchor-chip").first.click()  # and in the viewer's list too
    page.wait_for_function(f"() => Math.abs({VIEWER_VIDEO}.currentTime - 2.5) < 0.05")
    page.wait_for_function(f"() => !{VIEWER_VIDEO}.seeking && {VIEWER_VIDEO}.readyState >= 2")
    page.wait_for_timeout(500)  # the player's spinner gone
    shot(page, "review-timecode", full_page=False)


def test_changes_are_requested_with_a_reason_asked_in_a_dialog(page: Any, live: Live) -> None:
    night = night_with_versions(live[1], f"Reason {page.profile}")
    login(page)
    page.goto(f"{page.base}/events/{night.event_id}")
    row = page.locator(f'tr.slot[data-slot-id="{night.poster}"]')
    row.locator("details.dropdown summary").click()
    row.locator('[data-action="set-status"][data-status="changes_requested"]').click()
    dialog = page.locator("dialog[data-reason]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-reason-intro]")).to_contain_text(
        "Poster A3 : votre raison rejoint la conversation, épinglée à la v2."
    )
    dialog.locator("button[type=submit]").click()  # nothing written: the dialog stays, nothing is sent
    expect(dialog).to_be_visible()
    assert live[1].events.slot(night.poster).slot.status.value == "review"
    shot(page, "review-reason", full_page=False)
    dialog.locator("textarea").fill("La date manque en page 2")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_attribute("data-status", "changes_requested")
    comment = page.locator(".comment", has_text="La date manque en page 2")
    expect(comment.locator(".anchor-chip")).to_have_text("v2")

    select = page.locator(f"#st-{night.story}")  # from the status menu too; cancelling leaves the status as it was
    select.select_option("changes_requested")
    expect(dialog).to_be_visible()
    dialog.locator('[data-action="close-dialog"]').last.click()
    expect(select).to_have_value("review")
    assert live[1].events.slot(night.story).slot.status.value == "review"


def test_the_review_queue_asks_the_reason_too_and_counts_the_remarks(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, _ = live
    night = night_with_versions(services, "Queue remarks")
    lea = next(u for u in services.users.list() if u.email == ADMIN)
    services.comments.add(
        lea,
        night.event_id,
        "Titre trop petit",
        deliverable_id=night.story,
        anchor=Anchor(2, region=(0.1, 0.1, 0.2, 0.2)),
    )
    login(page)
    page.goto(f"{page.base}/review")
    item = page.locator(f'.review-item[data-slot-id="{night.story}"]')
    expect(item.locator("[data-remarks]")).to_have_text("1 remarque sur cette version")
    item.locator('[data-action="set-status"][data-status="changes_requested"]').click()
    dialog = page.locator("dialog[data-reason]")
    dialog.locator("textarea").fill("Voir la remarque sur le titre")
    dialog.locator("button[type=submit]").click()
    expect(page.locator(f'.review-item[data-slot-id="{night.story}"]')).to_have_count(0)
    assert services.events.slot(night.story).slot.status.value == "changes_requested"


def test_on_a_phone_each_review_action_reads_on_one_line_and_the_preview_names_the_file_whole(
    phone: Any, live: Live
) -> None:
    """Pixel 7: "✓ Approuver" and "↺ Demander des modifs" each on one line, not the sign above the word; the preview's
    title is the file's whole name, not "v2-st…" squeezed by its buttons."""
    page = phone
    _, services, _ = live
    night = night_with_versions(services, "Queue on a phone")
    login(page)
    page.goto(f"{page.base}/review")
    item = page.locator(f'.review-item[data-slot-id="{night.story}"]')
    expect(item).to_be_visible()
    lines = item.locator(".review-actions .btn").evaluate_all(
        """buttons => buttons.map(button => {
            const range = document.createRange();
            range.selectNodeContents(button);
            const bottoms = [...range.getClientRects()].map(r => Math.round(r.bottom));
            return [button.textContent.trim(), new Set(bottoms).size];
        })"""
    )
    assert [text for text, count in lines if count > 1] == [], lines
    shot(page, "review-queue")
    item.locator(".review-thumb").click()  # the preview names the file whole, its buttons under the name
    title = page.locator("#pv-title")
    expect(title).to_have_text("v2-story.png")
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth"), "the file's name is cut"
    name, close = title.bounding_box(), page.locator("#preview .sheet-head [data-action=close-dialog]").bounding_box()
    assert close["y"] < name["y"] + name["height"] and close["x"] > name["x"], "the × closes the name's line"
    shot(page, "review-queue-preview", full_page=False)


def version_asset(page: Any, slot_id: int, version: int) -> str:
    return page.locator(f'#versions-{slot_id} .version-card[data-version="{version}"]').get_attribute("data-asset-id")


def wait_for_images(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('dialog[data-compare] img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    page.wait_for_timeout(100)  # sized once loaded


def test_done_when_a_manager_compares_pins_requests_changes_and_approves_v3(page: Any, live: Live) -> None:
    """The issue's "done when": Chloé compares v1 and v2 of the cube loop, pins a remark on the logo of v2, requests
    changes with that reason, and approves the v3 Max sends back, while the team requires a second pair of eyes."""
    _, services, _ = live
    night = night_with_versions(services, f"Done when {page.profile}")
    ada = next(u for u in services.users.list() if u.email == ADMIN)
    services.review.change_settings(ada, SettingsChange(second_pair_of_eyes=True))
    try:
        login(page, "chloe@bars.fr")
        panel = open_versions(page, night, night.cube)
        panel.locator("[data-compare-form] button[type=submit]").click()
        compare = page.locator("dialog[data-compare]")
        expect(compare.locator("video")).to_have_count(2)
        page.keyboard.press("Escape")

        panel.locator('.version-card[data-version="2"] [data-action="view-version"]').first.click()
        viewer = page.locator("dialog[data-viewer]")
        page.wait_for_function(f"() => {VIEWER_VIDEO}.readyState >= 2")
        viewer.locator('[data-tool="region"]').click()
        frame = viewer.locator(".stage-box").bounding_box()
        x, y = review_media.LOGO_AT
        page.mouse.click(frame["x"] + frame["width"] * x, frame["y"] + frame["height"] * y)
        viewer.locator("#viewer-text").fill("Le logo déborde du cube")
        viewer.locator("[data-viewer-composer] button[type=submit]").click()
        expect(viewer.locator(".stage-marks .marker-pin")).to_have_text("1")
        page.keyboard.press("Escape")

        row = page.locator(f'tr.slot[data-slot-id="{night.cube}"]')
        row.locator("details.dropdown summary").click()
        row.locator('[data-action="set-status"][data-status="changes_requested"]').click()
        reason = page.locator("dialog[data-reason]")
        reason.locator("textarea").fill("Voir le repère 1 sur la v2 : logo trop grand")
        reason.locator("button[type=submit]").click()
        expect(row).to_have_attribute("data-status", "changes_requested")

        max_ = next(u for u in services.users.list() if u.email == MEMBER)
        # v3 is the screen's size: its badge says it matches "1024x1024 mp4" (no confirmation to approve it)
        services.assets.upload_version(max_, night.cube, "v3-cube.mp4", io.BytesIO(review_media.clip(3, size=1024)))
        page.reload()
        row = page.locator(f'tr.slot[data-slot-id="{night.cube}"]')
        expect(row.locator(".file-cell")).to_contain_text("v3")
        expect(row.locator(".file-cell")).not_to_contain_text("Non conforme")
        row.locator('[data-action="set-status"][data-status="approved"]').click()
        expect(page.locator(f'tr.slot[data-slot-id="{night.cube}"]')).to_have_attribute("data-status", "approved")
        shot(page, "review-done-when", full_page=False)
    finally:
        services.review.change_settings(ada, SettingsChange(second_pair_of_eyes=False))
    slot = services.events.slot(night.cube).slot
    chloe = next(u for u in services.users.list() if u.email == "chloe@bars.fr")
    assert (slot.approved_version, slot.approved_by) == (3, chloe.id)
    reasons = [c for c in services.comments.list(night.event_id) if c.text.startswith("Voir le repère 1")]
    assert [c.anchor for c in reasons] == [Anchor(2)]


def test_the_admin_requires_a_second_pair_of_eyes_and_the_uploader_is_told_why_not(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, _ = live
    night = night_with_versions(services, "Second pair of eyes")
    ada = next(u for u in services.users.list() if u.email == ADMIN)
    services.assets.upload_version(ada, night.story, "v3-story.png", io.BytesIO(review_media.story(3)))
    login(page)
    try:
        page.goto(f"{page.base}/admin/review")
        page.locator('input[name="second_pair_of_eyes"]').check()
        page.locator('form[data-api="PATCH /api/settings"] button[type=submit]').click()
        expect(page.locator("#toast")).to_have_text("Enregistré")
        assert services.review.settings().second_pair_of_eyes
        shot(page, "review-admin-settings")

        page.goto(f"{page.base}/events/{night.event_id}")
        row = page.locator(f'tr.slot[data-slot-id="{night.story}"]')
        approve = row.locator('[data-action="set-status"][data-status="approved"]')
        expect(approve).to_be_disabled()
        expect(approve).to_have_attribute("title", re.compile("Vous avez envoyé la v3"))
        row.locator(f"#st-{night.story}").select_option("approved")  # the status menu: the server says no
        expect(page.locator("#toast.error")).to_contain_text("Vous avez envoyé v3")  # the server's refusal, in French
        expect(row).to_have_attribute("data-status", "review")
    finally:
        services.review.change_settings(ada, SettingsChange(second_pair_of_eyes=False))


def test_versions_and_the_viewer_work_in_the_card_opened_over_the_calendar(desktop: Any, live: Live) -> None:
    page = desktop
    _, services, _ = live
    night = night_with_versions(services, "Over the calendar")
    login(page)
    day = services.events.card(night.event_id).summary.event.date
    page.goto(f"{page.base}/calendar?view=month&date={day}")
    page.locator(f'.month-grid a[data-event-id="{night.event_id}"]').click()
    card = page.locator("#overlay [data-card]")
    card.locator(f'tr.slot[data-slot-id="{night.story}"] [data-action="toggle-versions"]').click()
    card.locator(f'#versions-{night.story} .version-card[data-version="1"] [data-action="make-current"]').click()
    expect(card.locator(f"#versions-{night.story} .version-card.is-current")).to_have_attribute("data-version", "1")
    card.locator(f'#versions-{night.story} .version-card[data-version="2"] [data-action="view-version"]').first.click()
    viewer = page.locator("dialog[data-viewer]")
    expect(viewer.locator("[data-viewer-title]")).to_contain_text("Story Instagram — v2")
    viewer.locator("#viewer-text").fill("Plus de contraste sur le titre")
    viewer.locator("[data-viewer-composer] button[type=submit]").click()
    expect(viewer.locator(".viewer-remarks li")).to_contain_text("Plus de contraste")  # the card reloaded under it
    page.keyboard.press("Escape")
    expect(card.locator(".comment", has_text="Plus de contraste").locator(".anchor-chip")).to_have_text("v2")
    assert page.url.endswith(f"/events/{night.event_id}")
