"""What a preview shows, and what its caption says: a PDF's thumbnail is its first page (the cover), whole; a video's
is the frame at one second (the first frame of a short one), and the time is kept; the card, the review queue and the
versions say which it is ("First page of the PDF", "Frame of the video at 1 s", "Reduced copy of the photo")."""

from __future__ import annotations

import io
import re

import falcon.testing
import pytest
from PIL import Image

from eventflow.bootstrap import Services
from eventflow.core.commands import UserChanges
from eventflow.core.model import Asset, Deliverable, User
from tests.support import samples
from tests.support.web import Browser

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 60), (40, 60, 220)
A4_PT = (595, 842)


def coloured_pdf(colours: list[tuple[int, int, int]], page_pt: tuple[int, int] = A4_PT) -> bytes:
    """A PDF of one page per colour, each page ``page_pt`` points and filled with its colour (made by Pillow)."""
    pages = [Image.new("RGB", (page_pt[0] // 5, page_pt[1] // 5), colour) for colour in colours]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=72 / 5, save_all=True, append_images=pages[1:])
    return out.getvalue()


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def preview_of(services: Services, asset: Asset) -> Image.Image:
    _, blob = services.assets.preview(asset.id or 0)
    with blob:
        image = Image.open(io.BytesIO(blob.read()))
        image.load()
    return image.convert("RGB")


def test_a_pdfs_thumbnail_is_its_whole_first_page(services: Services, admin: User, slot: Deliverable) -> None:
    data = coloured_pdf([RED, GREEN, BLUE])
    asset = services.assets.upload_version(admin, slot.id or 0, "flyer.pdf", io.BytesIO(data))
    assert asset.media_info["pages"] == 3 and asset.media_info["preview"] == "ready"
    image = preview_of(services, asset)
    assert image.height == 480 and abs(image.width / image.height - A4_PT[0] / A4_PT[1]) < 0.01  # one A4 page
    width, height = image.size
    spots = [(x * width // 10, y * height // 10) for x in (1, 5, 9) for y in (1, 5, 9)]  # corners, edges, centre
    assert all(near(image.getpixel(spot), RED) for spot in spots), [image.getpixel(s) for s in spots]
    colours = image.getcolors(maxcolors=width * height) or []
    assert not any(near(colour, GREEN) or near(colour, BLUE) for _, colour in colours)  # no other page in it


def test_a_landscape_cover_stays_landscape(services: Services, admin: User, slot: Deliverable) -> None:
    data = coloured_pdf([BLUE, RED], page_pt=(842, 595))
    image = preview_of(services, services.assets.upload_version(admin, slot.id or 0, "banner.pdf", io.BytesIO(data)))
    assert image.width == 480 and abs(image.height - 480 * 595 / 842) <= 1.5
    assert near(image.getpixel((image.width // 2, image.height // 2)), BLUE)


@pytest.mark.parametrize(("seconds", "at", "red"), [(3.0, 1.0, 200), (1.0, 0.0, 0)])
def test_a_videos_poster_is_the_frame_at_one_second_and_says_so(
    services: Services, admin: User, slot: Deliverable, seconds: float, at: float, red: int
) -> None:
    """The sample's frame N is red N x 20: a seek to 1 s lands on the key frame at 0 s, so frames are decoded on."""
    data = samples.mp4(seconds=seconds)
    asset = services.assets.upload_version(admin, slot.id or 0, "cube.mp4", io.BytesIO(data))
    assert asset.media_info["poster_at"] == at
    image = preview_of(services, asset)
    assert near(image.getpixel((image.width // 2, image.height // 2)), (red, 80, 160), tolerance=16)


def captions(page: str) -> dict[str, str]:
    """Each previewed file of the card (by its name) with the caption its preview button carries."""
    found = re.findall(r'data-caption="([^"]*)" data-name="([^"]*)"', page)
    return {name: caption for caption, name in found}


def test_the_card_and_the_review_queue_say_what_each_preview_shows(
    services: Services, admin: User, client: falcon.testing.TestClient, slot: Deliverable
) -> None:
    card = services.events.card(slot.event_id)
    others = [s.slot for s in card.slots if s.slot.id != slot.id]
    for made in range(3 - len(others)):
        others.append(services.events.add_slot(admin, slot.event_id, f"Extra {made}", ""))
    files = [
        (slot, "cover.pdf", coloured_pdf([RED, GREEN])),
        (others[0], "clip.mp4", samples.mp4(seconds=3.0)),
        (others[1], "dress.heic", samples.heic()),
        (others[2], "decor.jpg", samples.photo_jpeg()),
    ]
    for target, name, data in files:
        services.assets.upload_version(admin, target.id or 0, name, io.BytesIO(data))
    reader = Browser(client, admin.email)  # French, the default language
    expected = {
        "cover.pdf": "Première page du PDF",
        "clip.mp4": "Image du film à 1 s",
        "dress.heic": "Copie réduite de la photo",
        "decor.jpg": "Copie réduite de la photo",
    }
    page = reader.get(f"/events/{slot.event_id}").text
    assert captions(page) == expected
    assert 'title="Première page du PDF"' in page and "Image de la première page" not in page
    assert captions(reader.get("/review").text) == expected


def test_a_short_videos_caption_says_first_frame_in_english(
    services: Services, admin: User, client: falcon.testing.TestClient, slot: Deliverable
) -> None:
    services.users.update(None, admin.id or 0, UserChanges(language="en"))
    services.assets.upload_version(admin, slot.id or 0, "loop.mp4", io.BytesIO(samples.mp4(seconds=1.0)))
    page = Browser(client, admin.email).get(f"/events/{slot.event_id}").text
    assert captions(page) == {"loop.mp4": "First frame of the video"}
