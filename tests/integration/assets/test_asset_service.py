"""Uploads through the asset service on the real disk with Pillow, PyAV and PDFium: what only real files show (a cut
upload leaves no temporary file, the photo's pixels turned upright, HEIC, the preview strip, a video's poster). The
service's rules run on fakes in ``tests/unit/test_asset_service.py``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Deliverable, Event, User
from tests.support import samples
from tests.support.assets import LIMIT_MB, MB, stored_files


def used(services: Services) -> int:
    with services.uow() as uow:
        return uow.assets.stored_bytes() + uow.reservations.total()


def files_dir(services: Services) -> Path:
    return services.settings.files_dir


def test_a_file_of_unknown_length_is_cut_at_the_limit_and_nothing_is_kept(
    services: Services, admin: User, slot: Deliverable
) -> None:
    data = samples.mp4() + bytes(LIMIT_MB * MB)
    with pytest.raises(errors.FileTooLarge):
        services.assets.upload_version(admin, slot.id or 0, "big.mp4", io.BytesIO(data))
    assert stored_files(files_dir(services)) == [] and used(services) == 0


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


def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg(services: Services, admin: User, event: Event) -> None:
    photo = services.assets.upload_photo(admin, event.id or 0, "uniform", "IMG_4242.HEIC", io.BytesIO(samples.heic()))
    assert photo.filename == "IMG_4242.jpg"
    with services.assets.content(photo.id or 0).open() as f, Image.open(f) as img:
        assert img.format == "JPEG" and img.size == (640, 480)


def test_a_pixel_flood_is_refused_and_nothing_is_kept(services: Services, admin: User, event: Event) -> None:
    with pytest.raises(errors.InvalidInput, match="megapixels"):
        services.assets.upload_photo(admin, event.id or 0, "deco", "bomb.png", io.BytesIO(samples.pixel_flood_png()))
    assert stored_files(files_dir(services)) == [] and used(services) == 0


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
