"""Uploads through the asset service, on the real disk: versions, types, limits, quota, photos, previews."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import pytest
from PIL import Image

from eventflow.adapters.notifier import RecordingNotifier
from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Deliverable, Event, Status, User
from eventflow.core.services.events import SlotChange
from tests.assets import samples
from tests.assets.conftest import LIMIT_MB, MB, QUOTA_BYTES, stored_files


def used(services: Services) -> int:
    with services.uow() as uow:
        return uow.assets.stored_bytes() + uow.reservations.total()


def files_dir(services: Services) -> Path:
    return services.settings.files_dir


def test_each_upload_is_the_next_version_and_downloads_byte_for_byte(
    services: Services, admin: User, slot: Deliverable
) -> None:
    first, second = samples.pdf(1), samples.pdf(3)
    v1 = services.assets.upload_version(admin, slot.id or 0, "Affiche A3 — Noël.pdf", io.BytesIO(first))
    v2 = services.assets.upload_version(admin, slot.id or 0, "affiche-v2.pdf", io.BytesIO(second))
    assert (v1.version, v2.version) == (1, 2)
    assert v2.sha256 == hashlib.sha256(second).hexdigest() and v2.size == len(second)
    with services.assets.content(v1.id or 0).open() as f:
        assert f.read() == first
    assert services.assets.asset(v1.id or 0).filename == "Affiche A3 — Noël.pdf"


def test_a_new_version_of_an_approved_slot_goes_back_to_review_and_is_recorded(
    services: Services, admin: User, slot: Deliverable
) -> None:
    services.events.update_slot(admin, slot.id or 0, SlotChange(status="approved"))
    services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(samples.pdf()))
    card = services.events.card(slot.event_id)
    mine = next(s for s in card.slots if s.slot.id == slot.id)
    assert mine.slot.status is Status.REVIEW and mine.slot.approved_at is None
    entry = next(a for a in card.activity if a.action == "asset.version_added")
    assert entry.before == {"status": "approved"} and entry.after is not None
    assert entry.after["version"] == 1 and entry.after["status"] == "review"


@pytest.mark.parametrize(
    ("name", "data"),
    [("brief.exe", b"MZ\x90\x00"), ("index.html", b"<html><script>"), ("noextension", b"%PDF-1.7")],
)
def test_types_outside_the_list_are_refused_by_name(
    services: Services, admin: User, slot: Deliverable, name: str, data: bytes
) -> None:
    with pytest.raises(errors.UnsupportedMedia):
        services.assets.upload_version(admin, slot.id or 0, name, io.BytesIO(data))
    assert stored_files(files_dir(services)) == [] and used(services) == 0


def test_content_that_does_not_match_its_extension_is_refused(
    services: Services, admin: User, slot: Deliverable
) -> None:
    with pytest.raises(errors.UnsupportedMedia, match="does not contain what its name says"):
        services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(samples.png()))
    assert stored_files(files_dir(services)) == [] and used(services) == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", samples.SVG),
        ("sources.zip", b"PK\x03\x04rest"),
        ("cube.mp4", samples.mp4()),
        ("photo.heic", samples.heic()),
        ("key.ai", b"%PDF-1.5 illustrator"),
        ("layers.psd", b"8BPS\x00\x01"),
        ("clip.webm", b"\x1a\x45\xdf\xa3webm"),
        ("old.mov", b"\x00\x00\x00\x08wide\x00\x00"),
    ],
)
def test_designer_source_types_are_accepted(
    services: Services, admin: User, slot: Deliverable, name: str, data: bytes
) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, name, io.BytesIO(data))
    assert asset.size == len(data)


def test_a_file_announced_over_the_limit_is_refused_without_reading_it(
    services: Services, admin: User, slot: Deliverable
) -> None:
    class Untouchable:
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("the body must not be read")

    with pytest.raises(errors.FileTooLarge):
        services.assets.upload_version(admin, slot.id or 0, "big.mp4", Untouchable(), declared_size=2 * 1024**3)
    assert used(services) == 0


def test_a_file_of_unknown_length_is_cut_at_the_limit_and_nothing_is_kept(
    services: Services, admin: User, slot: Deliverable
) -> None:
    data = samples.mp4() + bytes(LIMIT_MB * MB)
    with pytest.raises(errors.FileTooLarge):
        services.assets.upload_version(admin, slot.id or 0, "big.mp4", io.BytesIO(data))
    assert stored_files(files_dir(services)) == [] and used(services) == 0


def test_over_the_quota_the_upload_is_refused_with_a_clear_message(
    services: Services, admin: User, slot: Deliverable
) -> None:
    pdf = samples.pdf() + bytes(int(1.5 * MB))
    for _ in range(2):
        services.assets.upload_version(admin, slot.id or 0, "p.pdf", io.BytesIO(pdf), declared_size=len(pdf))
    with pytest.raises(errors.QuotaExceeded, match="archive or purge"):
        services.assets.upload_version(admin, slot.id or 0, "p.pdf", io.BytesIO(pdf), declared_size=len(pdf))
    assert len(services.events.card(slot.event_id).slots[0].versions) == 2


def test_two_concurrent_uploads_that_together_cross_the_quota_exactly_one_succeeds(
    services: Services, admin: User, slot: Deliverable
) -> None:
    size = int(0.375 * QUOTA_BYTES)
    data = samples.pdf() + bytes(size - len(samples.pdf()))
    services.assets.upload_version(admin, slot.id or 0, "a.pdf", io.BytesIO(data), declared_size=size)
    first_is_streaming, second_done = threading.Event(), threading.Event()

    class SlowBody(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            first_is_streaming.set()
            second_done.wait(5)
            return super().read(size)

    outcomes: list[object] = []

    def upload(body: io.BytesIO) -> None:
        try:
            outcomes.append(services.assets.upload_version(admin, slot.id or 0, "a.pdf", body, declared_size=size))
        except errors.QuotaExceeded as exc:
            outcomes.append(exc)

    first = threading.Thread(target=upload, args=(SlowBody(data),))
    first.start()
    assert first_is_streaming.wait(5)
    upload(io.BytesIO(data))
    second_done.set()
    first.join(5)
    assert sorted(type(o).__name__ for o in outcomes) == ["Asset", "QuotaExceeded"]
    assert used(services) <= QUOTA_BYTES


def test_admins_are_alerted_once_when_usage_crosses_80_percent_and_again_after_falling_below(
    services: Services, admin: User, slot: Deliverable, notifier: RecordingNotifier
) -> None:
    chunk = samples.pdf() + bytes(int(0.3 * QUOTA_BYTES))

    def upload_and_mail() -> list[str]:
        services.assets.upload_version(admin, slot.id or 0, "a.pdf", io.BytesIO(chunk), declared_size=len(chunk))
        services.outbox.send_due()
        return [m.subject for m in notifier.sent if "stockage" in m.subject]

    assert upload_and_mail() == []
    assert upload_and_mail() == []
    alerts = upload_and_mail()
    assert alerts == ["eventflow : stockage à 90 % du quota"]
    assert [m.to for m in notifier.sent if m.subject == alerts[0]] == [("ada@bars.fr",)]
    services.storage.purge(admin, services.storage.purge_plan())
    assert len(upload_and_mail()) == 1  # 2 versions stored again: below the line
    assert len(upload_and_mail()) == 2


# -- photos ------------------------------------------------------------------------------------------------------
def test_a_photo_is_turned_upright_stripped_of_gps_and_recompressed(
    services: Services, admin: User, event: Event
) -> None:
    photo = services.assets.upload_photo(admin, event.id or 0, "deco", "IMG_0001.JPG", io.BytesIO(samples.photo_jpeg()))
    assert photo.category is not None and photo.category.value == "deco"
    assert photo.filename == "IMG_0001.jpg" and photo.content_type == "image/jpeg"
    with services.assets.content(photo.id or 0).open() as f, Image.open(f) as img:
        assert img.size == (600, 800)  # was 800x600 with "rotate 90°"
        assert not img.getexif() and "exif" not in img.info and "xmp" not in img.info
        left, right = img.convert("RGB").getpixel((10, 400)), img.convert("RGB").getpixel((590, 400))
    assert left[2] > 200 > left[0] and right[0] > 200 > right[2]  # turned clockwise: the red top is now on the right


def test_a_big_photo_is_capped_at_2560_pixels(services: Services, admin: User, event: Event) -> None:
    big = samples.photo_jpeg(4000, 3000, orientation=1, gps=False)
    photo = services.assets.upload_photo(admin, event.id or 0, "brief", "big.jpg", io.BytesIO(big))
    with services.assets.content(photo.id or 0).open() as f, Image.open(f) as img:
        assert img.size == (2560, 1920)


def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg(services: Services, admin: User, event: Event) -> None:
    photo = services.assets.upload_photo(admin, event.id or 0, "uniform", "IMG_4242.HEIC", io.BytesIO(samples.heic()))
    assert photo.filename == "IMG_4242.jpg"
    with services.assets.content(photo.id or 0).open() as f, Image.open(f) as img:
        assert img.format == "JPEG" and img.size == (640, 480)


def test_a_transparent_png_photo_keeps_its_transparency_as_webp(services: Services, admin: User, event: Event) -> None:
    photo = services.assets.upload_photo(admin, event.id or 0, "deco", "logo.png", io.BytesIO(samples.png(alpha=True)))
    assert photo.content_type == "image/webp" and photo.filename == "logo.webp"


def test_a_pixel_flood_is_refused_and_nothing_is_kept(services: Services, admin: User, event: Event) -> None:
    with pytest.raises(errors.InvalidInput, match="megapixels"):
        services.assets.upload_photo(admin, event.id or 0, "deco", "bomb.png", io.BytesIO(samples.pixel_flood_png()))
    assert stored_files(files_dir(services)) == [] and used(services) == 0


def test_photos_need_a_known_category_and_an_image(services: Services, admin: User, event: Event) -> None:
    with pytest.raises(errors.InvalidInput, match="category must be one of"):
        services.assets.upload_photo(admin, event.id or 0, "selfie", "a.jpg", io.BytesIO(samples.photo_jpeg()))
    with pytest.raises(errors.UnsupportedMedia):
        services.assets.upload_photo(admin, event.id or 0, "deco", "a.pdf", io.BytesIO(samples.pdf()))


# -- previews ----------------------------------------------------------------------------------------------------
def test_a_pdf_gets_a_preview_of_its_first_page_counted_in_the_quota(
    services: Services, admin: User, slot: Deliverable
) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(samples.pdf(pages=5)))
    assert asset.media_info["preview"] == "ready" and asset.media_info["pages"] == 5
    _, preview = services.assets.preview(asset.id or 0)
    with preview, Image.open(preview) as img:  # the first A4 page (595x842 pt) alone, 480 px high
        assert img.format == "WEBP" and img.height == 480 and 339 <= img.width <= 340
    assert used(services) == asset.size + asset.preview_size > asset.size


def test_a_video_gets_its_facts_and_a_poster_frame(services: Services, admin: User, slot: Deliverable) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, "cube.mp4", io.BytesIO(samples.mp4(seconds=1.0)))
    info = asset.media_info
    assert (info["width"], info["height"], info["codec"]) == (160, 96, "h264")
    assert info["duration"] == pytest.approx(1.0, abs=0.2)
    assert info["preview"] == "ready" and asset.preview_key


def test_a_file_without_a_possible_preview_still_uploads_and_says_why(
    services: Services, admin: User, slot: Deliverable
) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, "sources.zip", io.BytesIO(b"PK\x03\x04data"))
    assert asset.media_info["preview"] == "unavailable"
    assert "application/zip" in asset.media_info["preview_error"]
    with pytest.raises(errors.NotFound, match="no preview"):
        services.assets.preview(asset.id or 0)


def test_a_broken_pdf_still_uploads_without_preview(services: Services, admin: User, slot: Deliverable) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, "broken.pdf", io.BytesIO(b"%PDF-1.4 garbage"))
    assert asset.media_info == {
        "preview": "unavailable",
        "preview_error": "this application/pdf file could not be previewed",
    }
