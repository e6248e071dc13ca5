"""Spec checks in Chromium, at a desk and on a phone: files dropped on the card land on the slots they fit, a file that
cannot match asks first, a drop outside any target is ignored, badges say how a version differs, approving one that
differs asks first, the review queue shows the check, and LED files show in the shape of their screen."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Deliverable, Screen, User
from tests.support import samples
from tests.support.browser import login, shot
from tests.support.seed import ADMIN, MEMBER, Seeded, poster_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def person(services: Services, email: str) -> User:
    return next(u for u in services.users.list() if u.email == email)


def night(services: Services, name: str, bars: list[str], days: int = 20) -> int:
    ids = [b.id or 0 for b in services.bars.list() if b.name in bars]
    card = services.events.create(person(services, ADMIN), name, services.clock.today() + dt.timedelta(days=days), ids)
    return card.summary.event.id or 0


def slot(services: Services, event_id: int, name: str, bar: str | None = None) -> Deliverable:
    bars = {b.id: b.name for b in services.bars.list()}
    return next(
        v.slot
        for v in services.events.card(event_id).slots
        if v.slot.name == name and (bar is None or bars.get(v.slot.bar_id) == bar)
    )


def upload(services: Services, slot_id: int, filename: str, data: bytes) -> None:
    services.assets.upload_version(person(services, MEMBER), slot_id, filename, io.BytesIO(data), len(data))


def drop(page: Any, target: Any, files: list[tuple[str, bytes, str]]) -> None:
    """Drag files from the desktop and drop them on ``target``."""
    transfer = page.evaluate_handle(
        """(files) => { const t = new DataTransfer();
             for (const [name, data, type] of files) {
               t.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, {type}));
             }
             return t; }""",
        [[name, base64.b64encode(data).decode(), kind] for name, data, kind in files],
    )
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})


def full_shot(page: Any, name: str) -> None:
    """The whole page from its top (a page scrolled down would show its sticky bar halfway)."""
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, name)


def video(width: int, height: int) -> bytes:
    return samples.mp4(seconds=1, width=width, height=height, fps=2)


def test_files_dropped_on_the_card_land_on_the_slots_they_fit(page: Any, live: Live) -> None:
    _, services, _ = live
    cale = f"La Cale {page.profile}"
    services.bars.add(None, cale, "Bordeaux", [Screen("cube_led", "Cube LED", "768x768 mp4")])
    event_id = night(services, f"Nuit Mapping {page.profile}", ["Le Perchoir", cale, "Le Syndicat"])
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    card = page.locator("[data-card]")
    drop(page, card.locator(".card-meta"), [
        ("Poster A3.pdf", poster_pdf("NUIT MAPPING"), "application/pdf"),
        ("cube.mp4", video(768, 768), "video/mp4"),
        ("door-loop.mp4", video(1920, 320), "video/mp4"),
        ("IMG_2041.jpg", samples.photo_jpeg(400, 300, gps=False), "image/jpeg"),
    ])  # fmt: skip
    dialog = page.locator("#dropmap")
    expect(dialog).to_be_visible()
    rows = dialog.locator(".dropmap-row")
    expect(rows).to_have_count(4)
    expected = {
        0: slot(services, event_id, "Poster A3").id,
        1: slot(services, event_id, "Cube LED", cale).id,  # the bar whose screen is the video's size
        2: slot(services, event_id, "Door LED").id,
        3: "",  # no slot takes a photo: not sent unless someone chooses one
    }
    for i, slot_id in expected.items():
        expect(rows.nth(i).locator("select")).to_have_value(str(slot_id))
    expect(rows.nth(1).locator("[data-file-facts]")).to_have_text("vidéo · 768×768")
    photo = rows.nth(3)
    photo.locator("select").select_option(str(slot(services, event_id, "Flyer").id))
    expect(photo.locator("[data-file-warn]")).to_have_text(
        "« Flyer » attend A6 PDF recto-verso : ce fichier ne sera pas conforme."
    )
    shot(page, "dropmap-proposed", full_page=False)
    photo.locator("select").select_option("")
    expect(photo.locator("[data-file-warn]")).to_be_hidden()
    dialog.get_by_role("button", name="Envoyer").click()
    expect(dialog).to_be_hidden()

    for name, bar, filename in (("Poster A3", None, "Poster A3.pdf"), ("Cube LED", cale, "cube.mp4"),
                                ("Door LED", None, "door-loop.mp4")):  # fmt: skip
        row = page.locator(f'tr.slot[data-slot-id="{slot(services, event_id, name, bar).id}"]')
        expect(row.locator(".filename")).to_have_text(filename, timeout=15_000)
    perchoir_cube = page.locator(f'tr.slot[data-slot-id="{slot(services, event_id, "Cube LED", "Le Perchoir").id}"]')
    expect(perchoir_cube.locator(".missing")).to_be_visible()
    door = page.locator(f'tr.slot[data-slot-id="{slot(services, event_id, "Door LED").id}"]')
    expect(door.locator(".file-cell .spec-badge")).to_have_text("✓ Conforme aux specs")
    door_thumb = door.locator("img.thumb")
    expect(door_thumb).to_be_visible(timeout=15_000)
    assert door_thumb.evaluate("img => getComputedStyle(img).objectFit") == "contain", "the banner is seen whole"
    sent = sorted(a.filename for v in services.events.card(event_id).slots for a in v.versions)
    assert sent == ["Poster A3.pdf", "cube.mp4", "door-loop.mp4"]  # the photo was not sent
    full_shot(page, "dropmap-landed")


def test_a_photo_dropped_on_a_pdf_row_asks_before_it_is_sent(page: Any, live: Live) -> None:
    _, services, _ = live
    event_id = night(services, f"Nuit Photo {page.profile}", ["Le Perchoir"])
    poster = slot(services, event_id, "Poster A3")
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    row = page.locator(f'tr.slot[data-slot-id="{poster.id}"]')
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    drop(page, row, [("IMG_2041.jpg", samples.photo_jpeg(400, 300, gps=False), "image/jpeg")])
    page.wait_for_timeout(300)
    assert asked == ["« IMG_2041.jpg » n’est pas ce qu’attend « Poster A3 » (A3 PDF 300 dpi). L’envoyer quand même ?"]
    assert services.events.slot(poster.id or 0).versions == []
    page.once("dialog", lambda dialog: dialog.accept())
    drop(page, row, [("IMG_2041.jpg", samples.photo_jpeg(400, 300, gps=False), "image/jpeg")])
    row = page.locator(f'tr.slot[data-slot-id="{poster.id}"]')
    expect(row.locator(".file-cell .spec-badge")).to_have_text("≠ Non conforme : JPG au lieu de PDF", timeout=15_000)
    row.evaluate("(row) => row.scrollIntoView({block: 'center'})")
    shot(page, "spec-photo-on-pdf", full_page=False)


def test_a_refused_file_says_why_in_one_plain_sentence(desktop: Any, live: Live) -> None:
    """A "PDF" that is not one, picked with the row's file button: its line says what is wrong and what to do, once,
    not wrapped in a general "type not accepted" (the type is accepted; the content is what is wrong)."""
    page = desktop
    _, services, _ = live
    event_id = night(services, "Nuit Faux PDF", ["Le Perchoir"])
    poster = slot(services, event_id, "Poster A3")
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    row = page.locator(f'tr.slot[data-slot-id="{poster.id}"]')
    row.locator('input[data-upload="slot"]').set_input_files(
        files=[{"name": "affiche.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all\n" * 20}]
    )
    line = page.locator("#uploads .upload-item", has_text="affiche.pdf")
    expect(line.locator(".msg")).to_have_text(
        "« affiche.pdf » ne contient pas ce que son nom annonce (application/pdf) ; vérifiez le fichier et renvoyez-le"
    )
    shot(page, "upload-refused", full_page=False)
    assert services.events.slot(poster.id or 0).versions == []


def test_a_drop_outside_any_target_is_ignored(page: Any, live: Live) -> None:
    _, services, seeded = live
    login(page)
    page.goto(f"{page.base}/events/{seeded.red_event_id}")
    before = services.events.card(seeded.red_event_id)
    outcome = page.evaluate(
        """() => { const transfer = new DataTransfer();
             transfer.items.add(new File(["%PDF-1.4"], "stray.pdf", {type: "application/pdf"}));
             const over = new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true});
             const drop = new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true});
             document.querySelector(".topbar").dispatchEvent(over);
             const effect = transfer.dropEffect;
             document.querySelector(".topbar").dispatchEvent(drop);
             return {overPrevented: over.defaultPrevented, effect, dropPrevented: drop.defaultPrevented}; }"""
    )
    assert outcome == {"overPrevented": True, "effect": "none", "dropPrevented": True}  # the browser keeps the app
    expect(page.locator("#dropmap")).to_be_hidden()
    assert page.url.endswith(f"/events/{seeded.red_event_id}")
    after = services.events.card(seeded.red_event_id)
    assert [len(v.versions) for v in after.slots] == [len(v.versions) for v in before.slots]


def test_a_version_that_differs_says_how_and_approving_it_asks_first(page: Any, live: Live) -> None:
    _, services, _ = live
    event_id = night(services, f"Nuit Badge {page.profile}", ["Le Perchoir"])
    cube = slot(services, event_id, "Cube LED")
    upload(services, cube.id or 0, "cube.mp4", video(192, 108))
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    row = page.locator(f'tr.slot[data-slot-id="{cube.id}"]')
    expect(row.locator(".file-cell .spec-badge")).to_have_text("≠ Non conforme : 192x108 au lieu de 1024x1024")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row.get_by_role("button", name="Approuver").click()
    page.wait_for_timeout(300)
    assert asked == [
        "Cette version n’est pas conforme aux specs (192x108 au lieu de 1024x1024). L’approuver quand même ?"
    ]
    assert services.events.slot(cube.id or 0).slot.status.value == "review"
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("select[data-patch='status']").select_option("approved")
    expect(row.locator("select[data-patch='status']")).to_have_value("review")  # refused: back to what it is
    assert services.events.slot(cube.id or 0).slot.status.value == "review"
    full_shot(page, "spec-badge-differs")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Approuver").click()
    row = page.locator(f'tr.slot[data-slot-id="{cube.id}"]')
    expect(row).to_have_attribute("data-status", "approved")
    expect(page.locator(".activity li").first).to_contain_text("bien que non conforme aux specs")
    full_shot(page, "spec-approved-anyway")


def test_the_review_queue_shows_each_items_spec_check(page: Any, live: Live) -> None:
    _, services, seeded = live
    login(page)
    page.goto(page.base + "/review")
    item = page.locator(f'.review-item[data-slot-id="{seeded.review_slot_id}"]')  # an A5 page at 72 dpi, for A3
    expect(item.locator(".spec-badge")).to_have_text("≠ Non conforme : A5 au lieu de A3 · 36 dpi en A3 au lieu de 300")
    page.once("dialog", lambda dialog: dialog.dismiss())
    item.get_by_role("button", name="Approuver").click()
    page.wait_for_timeout(300)
    assert services.events.slot(seeded.review_slot_id).slot.status.value == "review"
    full_shot(page, "spec-review-queue")


def test_led_files_show_in_the_shape_of_their_screen(page: Any, live: Live) -> None:
    _, services, _ = live
    event_id = night(services, f"Nuit Écrans {page.profile}", ["Le Perchoir", "Le Syndicat"])
    door, cube = slot(services, event_id, "Door LED"), slot(services, event_id, "Cube LED")
    upload(services, door.id or 0, "door.mp4", video(1920, 320))
    upload(services, cube.id or 0, "cube.mp4", video(192, 108))
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    screens = page.locator("[data-mockups]")
    expect(screens).to_be_visible()
    door_screen = screens.locator(f'[data-mockup][data-slot-id="{door.id}"]')
    cube_screen = screens.locator(f'[data-mockup][data-slot-id="{cube.id}"]')
    expect(door_screen.locator("figcaption > span").nth(0)).to_have_text("Door LED · Le Syndicat")
    expect(door_screen.locator("figcaption > span").nth(1)).to_have_text("1920×320 px · v1")
    expect(door_screen.locator(".spec-badge")).to_have_text("✓ Conforme aux specs")
    expect(cube_screen.locator(".spec-badge")).to_contain_text("192x108 au lieu de 1024x1024")
    wide, square = (s.locator(".screen-shape").bounding_box() for s in (door_screen, cube_screen))
    assert wide["width"] / wide["height"] == pytest.approx(6, rel=0.02)
    assert square["width"] / square["height"] == pytest.approx(1, rel=0.02)
    door_screen.get_by_role("button", name="Lire door.mp4 sur l’écran").click()
    expect(door_screen.locator("[data-action='play-mockup']")).to_have_attribute("aria-pressed", "true")
    assert door_screen.locator("video").evaluate("(v) => !v.paused")
    full_shot(page, "screen-mockups")
    screens.evaluate("(panel) => panel.scrollIntoView({block: 'center'})")
    shot(page, "screen-mockups-panel", full_page=False)
