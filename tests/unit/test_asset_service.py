"""Uploads through the asset service on fakes (memory database, memory blob stores, ``FakeMedia``): versions, types,
limits, quota, photos, previews. No Pillow, PyAV or PDFium: ``tests/integration/media/test_media_contract.py`` holds
the real adapters to what the fake answers, ``tests/integration/assets`` runs the pixels themselves on the real disk."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest

from eventflow.adapters.leases import ProcessLeases
from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.memory_blobs import MemoryBlobStore
from eventflow.adapters.memory_media import FakeMedia, facts_of, fake_file
from eventflow.adapters.notifier import RecordingNotifier
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, StoragePorts, bootstrap
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.model import Deliverable, Event, Status, User
from eventflow.core.services.events import SlotChange
from tests.support import assets
from tests.support.assets import LIMIT_MB, MB, QUOTA_BYTES

PDF = fake_file("application/pdf", pages=2, width_pt=842, height_pt=1191, dpi=None)
MP4 = fake_file("video/mp4", width=160, height=96, codec="h264", duration=1.0)
PHOTO = fake_file("image/jpeg", width=800, height=600, orientation=6, gps=[48.85, 2.35])


#: The asset tests' small quota (2 MiB per file, 4 MiB in all) and recording notifier, on fakes here.
settings, notifier = assets.settings, assets.notifier


@pytest.fixture
def media() -> FakeMedia:
    return FakeMedia()


@pytest.fixture
def services(settings: Settings, clock: FixedClock, notifier: RecordingNotifier, media: FakeMedia) -> Services:
    uow = memory_uow_factory()
    files = StoragePorts(
        hot=MemoryBlobStore("hot"),
        cold=MemoryBlobStore("cold"),
        uploads=MemoryBlobStore("uploads"),
        notifier=notifier,
        images=media,
        probe=media,
        lease=ProcessLeases(uow, clock),
    )
    return bootstrap(settings, uow=uow, clock=clock, hasher=Argon2Hasher(fast=True), files=files)


@pytest.fixture
def admin(services: Services) -> User:
    return services.users.add(None, "ada@bars.fr", "Ada Admin", role="admin")


@pytest.fixture
def event(services: Services, admin: User) -> Event:
    bar = services.bars.add(None, "Le Perchoir", "Paris 11")
    services.templates.add(None, "Poster A3", "A3 PDF 300 dpi", is_default=True)
    return services.events.create(admin, "Soirée Disco", "2026-12-12", [bar.id or 0]).summary.event


@pytest.fixture
def slot(services: Services, event: Event) -> Deliverable:
    return services.events.card(event.id or 0).slots[0].slot


def used(services: Services) -> int:
    with services.uow() as uow:
        return uow.assets.stored_bytes() + uow.reservations.total()


def nothing_kept(services: Services) -> bool:
    return list(services.files.hot.list_keys()) == [] and used(services) == 0


def stored(services: Services, asset_id: int) -> bytes:
    with services.assets.content(asset_id).open() as f:
        return f.read()


def test_each_upload_is_the_next_version_and_downloads_byte_for_byte(
    services: Services, admin: User, slot: Deliverable
) -> None:
    second = fake_file("application/pdf", pages=3, width_pt=842, height_pt=1191, dpi=None)
    v1 = services.assets.upload_version(admin, slot.id or 0, "Affiche A3 — Noël.pdf", io.BytesIO(PDF))
    v2 = services.assets.upload_version(admin, slot.id or 0, "affiche-v2.pdf", io.BytesIO(second))
    assert (v1.version, v2.version) == (1, 2)
    assert v2.sha256 == hashlib.sha256(second).hexdigest() and v2.size == len(second)
    assert stored(services, v1.id or 0) == PDF
    assert services.assets.asset(v1.id or 0).filename == "Affiche A3 — Noël.pdf"


def test_a_new_version_of_an_approved_slot_goes_back_to_review_and_is_recorded(
    services: Services, admin: User, slot: Deliverable
) -> None:
    services.events.update_slot(admin, slot.id or 0, SlotChange(status="approved"))
    services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(PDF))
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
    assert nothing_kept(services)


def test_content_that_does_not_match_its_extension_is_refused(
    services: Services, admin: User, slot: Deliverable, media: FakeMedia
) -> None:
    png = fake_file("image/png", width=64, height=48)
    with pytest.raises(errors.UnsupportedMedia, match="does not contain what its name says"):
        services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(png))
    assert nothing_kept(services) and media.calls == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
        ("sources.zip", b"PK\x03\x04rest"),
        ("cube.mp4", MP4),
        ("photo.heic", fake_file("image/heic", width=640, height=480)),
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
    assert asset.size == len(data) and stored(services, asset.id or 0) == data


def test_a_file_announced_over_the_limit_is_refused_without_reading_it(
    services: Services, admin: User, slot: Deliverable
) -> None:
    class Untouchable:
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("the body must not be read")

    with pytest.raises(errors.FileTooLarge):
        services.assets.upload_version(admin, slot.id or 0, "big.mp4", Untouchable(), declared_size=2 * 1024**3)
    assert nothing_kept(services)


def test_a_file_of_unknown_length_is_cut_at_the_limit_and_nothing_is_kept(
    services: Services, admin: User, slot: Deliverable
) -> None:
    with pytest.raises(errors.FileTooLarge):
        services.assets.upload_version(admin, slot.id or 0, "big.mp4", io.BytesIO(MP4 + bytes(LIMIT_MB * MB)))
    assert nothing_kept(services)


def test_over_the_quota_the_upload_is_refused_with_a_clear_message(
    services: Services, admin: User, slot: Deliverable
) -> None:
    pdf = PDF + bytes(int(1.5 * MB))
    for _ in range(2):
        services.assets.upload_version(admin, slot.id or 0, "p.pdf", io.BytesIO(pdf), declared_size=len(pdf))
    with pytest.raises(errors.QuotaExceeded, match="archive or purge"):
        services.assets.upload_version(admin, slot.id or 0, "p.pdf", io.BytesIO(pdf), declared_size=len(pdf))
    assert len(services.events.card(slot.event_id).slots[0].versions) == 2


def test_two_concurrent_uploads_that_together_cross_the_quota_exactly_one_succeeds(
    services: Services, admin: User, slot: Deliverable
) -> None:
    size = int(0.375 * QUOTA_BYTES)
    data = PDF + bytes(size - len(PDF))
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
    chunk = PDF + bytes(int(0.3 * QUOTA_BYTES))

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
def test_a_photo_is_kept_as_the_image_processor_made_it_upright_and_without_its_gps(
    services: Services, admin: User, event: Event
) -> None:
    photo = services.assets.upload_photo(admin, event.id or 0, "deco", "IMG_0001.JPG", io.BytesIO(PHOTO))
    assert photo.category is not None and photo.category.value == "deco"
    assert photo.filename == "IMG_0001.jpg" and photo.content_type == "image/jpeg"
    assert facts_of(stored(services, photo.id or 0)) == {"width": 600, "height": 800}  # was 800x600, "rotate 90°"


def test_a_big_photo_is_capped_at_2560_pixels(services: Services, admin: User, event: Event) -> None:
    big = fake_file("image/jpeg", width=4000, height=3000)
    photo = services.assets.upload_photo(admin, event.id or 0, "brief", "big.jpg", io.BytesIO(big))
    assert facts_of(stored(services, photo.id or 0)) == {"width": 2560, "height": 1920}
    assert photo.size == len(stored(services, photo.id or 0)) and used(services) >= photo.size


def test_a_heic_photo_is_stored_under_the_name_of_what_it_became(services: Services, admin: User, event: Event) -> None:
    heic = fake_file("image/heic", width=640, height=480)
    photo = services.assets.upload_photo(admin, event.id or 0, "uniform", "IMG_4242.HEIC", io.BytesIO(heic))
    assert (photo.filename, photo.content_type) == ("IMG_4242.jpg", "image/jpeg")


def test_a_transparent_photo_is_named_as_the_webp_it_became(services: Services, admin: User, event: Event) -> None:
    logo = fake_file("image/png", width=64, height=48, alpha=True)
    photo = services.assets.upload_photo(admin, event.id or 0, "deco", "logo.png", io.BytesIO(logo))
    assert photo.content_type == "image/webp" and photo.filename == "logo.webp"


def test_a_pixel_flood_is_refused_and_nothing_is_kept(services: Services, admin: User, event: Event) -> None:
    flood = fake_file("image/png", width=10_000, height=10_000)
    with pytest.raises(errors.InvalidInput, match="megapixels"):
        services.assets.upload_photo(admin, event.id or 0, "deco", "bomb.png", io.BytesIO(flood))
    assert nothing_kept(services)


def test_photos_need_a_known_category_and_an_image(services: Services, admin: User, event: Event) -> None:
    with pytest.raises(errors.InvalidInput, match="category must be one of"):
        services.assets.upload_photo(admin, event.id or 0, "selfie", "a.jpg", io.BytesIO(PHOTO))
    with pytest.raises(errors.UnsupportedMedia):
        services.assets.upload_photo(admin, event.id or 0, "deco", "a.pdf", io.BytesIO(PDF))
    with pytest.raises(errors.UnsupportedMedia):
        services.assets.upload_photo(admin, event.id or 0, "deco", "a.jpg", io.BytesIO(b"\xff\xd8\xff not a photo"))
    assert nothing_kept(services)


# -- previews ----------------------------------------------------------------------------------------------------
def test_a_pdf_gets_a_preview_and_its_facts_counted_in_the_quota(
    services: Services, admin: User, slot: Deliverable
) -> None:
    five = fake_file("application/pdf", pages=5, width_pt=595, height_pt=842, dpi=None)
    asset = services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(five))
    assert asset.media_info["preview"] == "ready" and asset.media_info["pages"] == 5
    _, preview = services.assets.preview(asset.id or 0)
    with preview:
        assert facts_of(preview.read()) == {"width": 340, "height": 480}  # its first page, whole
    assert used(services) == asset.size + asset.preview_size > asset.size


def test_a_video_gets_its_facts_and_a_poster_frame(services: Services, admin: User, slot: Deliverable) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, "cube.mp4", io.BytesIO(MP4))
    info = asset.media_info
    assert (info["width"], info["height"], info["codec"], info["duration"]) == (160, 96, "h264", 1.0)
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


def test_a_version_is_checked_against_its_slot_specs_from_the_probe_facts(
    services: Services, admin: User, slot: Deliverable
) -> None:
    a4 = fake_file("application/pdf", pages=1, width_pt=595, height_pt=842, dpi=300.0)
    asset = services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(a4))
    assert asset.spec_check is not None and asset.spec_check["status"] == "differs"  # the slot asks for A3
