"""The image processor and media probe contract: Pillow/PyAV/PDFium and the in-memory fakes agree.

The asset services' unit tests run on ``adapters.memory_media.FakeMedia``; these tests give the real adapters and
the fake the same files (real ones made with Pillow, PyAV and PDFium; for the fake, ``fake_file`` with the same
facts) and hold both to the same answers on what the core uses: sizes and types of encoded images, the facts of a
preview, and which error a bad file raises.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from eventflow.adapters import memory_media
from eventflow.adapters.memory_media import FakeMedia, fake_file
from eventflow.core import errors
from eventflow.core.ports import ImageProcessor, MediaProbe

A4 = {"width_pt": 595, "height_pt": 842}
LETTER_150_DPI = {"width_pt": 576, "height_pt": 792, "dpi": 150.0}


def real_samples() -> dict[str, Callable[[], bytes]]:
    from tests.support import samples

    return {
        "phone photo": lambda: samples.photo_jpeg(4000, 3000, orientation=6),
        "transparent png": lambda: samples.png(64, 48, alpha=True),
        "png": lambda: samples.png(800, 600),
        "pixel flood": samples.pixel_flood_png,
        "three A4 pages": lambda: samples.pdf(3),
        "a 150 dpi page": lambda: samples.pdf_with_image((576, 792), (1200, 1650)),
        "video": samples.mp4,
        "upright phone video": samples.upright_phone_mp4,
    }


FAKE_SAMPLES: dict[str, bytes] = {
    "phone photo": fake_file("image/jpeg", width=4000, height=3000, orientation=6, gps=[48.85, 2.35]),
    "transparent png": fake_file("image/png", width=64, height=48, alpha=True),
    "png": fake_file("image/png", width=800, height=600),
    "pixel flood": fake_file("image/png", width=10_000, height=10_000),
    "three A4 pages": fake_file("application/pdf", pages=3, dpi=None, **A4),
    "a 150 dpi page": fake_file("application/pdf", pages=1, **LETTER_150_DPI),
    "video": fake_file("video/mp4", width=160, height=96, codec="h264", duration=1.0),
    "upright phone video": fake_file("video/mp4", width=160, height=96, codec="h264", duration=1.0, rotation=90),
}


class Media:
    def __init__(self, images: ImageProcessor, probe: MediaProbe, sample: Callable[[str], bytes]) -> None:
        self.images, self.probe, self.sample = images, probe, sample

    def file(self, name: str) -> io.BytesIO:
        return io.BytesIO(self.sample(name))


@pytest.fixture(params=["pillow", "fake"])
def media(request: pytest.FixtureRequest) -> Media:
    if request.param == "fake":
        fake = FakeMedia()
        return Media(fake, fake, FAKE_SAMPLES.__getitem__)
    from eventflow.adapters.images import PillowImageProcessor
    from eventflow.adapters.media import MediaPreviewer

    images = PillowImageProcessor()
    made = real_samples()
    return Media(images, MediaPreviewer(images), lambda name: made[name]())


def test_the_fake_keeps_the_real_limits() -> None:
    from eventflow.adapters import images, media

    assert (memory_media.PHOTO_EDGE, memory_media.THUMBNAIL_EDGE) == (images.PHOTO_EDGE, images.THUMBNAIL_EDGE)
    assert memory_media.MAX_PIXELS == images.MAX_PIXELS and memory_media.PDF_TYPES == media.PDF_TYPES


def test_a_phone_photo_is_turned_upright_capped_at_2560_and_kept_as_jpeg(media: Media) -> None:
    photo = media.images.compress_photo(media.file("phone photo"))
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 1920, 2560)
    assert photo.data.startswith(b"\xff\xd8\xff") and b"48.85" not in photo.data


def test_a_transparent_photo_stays_transparent_as_webp_and_is_never_enlarged(media: Media) -> None:
    photo = media.images.compress_photo(media.file("transparent png"))
    assert (photo.content_type, photo.width, photo.height) == ("image/webp", 64, 48)


def test_a_thumbnail_is_a_480_pixel_webp(media: Media) -> None:
    thumb = media.images.thumbnail(media.file("png"))
    assert (thumb.content_type, thumb.width, thumb.height) == ("image/webp", 480, 360)


def test_too_many_pixels_is_invalid_input_and_no_image_is_unsupported_media(media: Media) -> None:
    with pytest.raises(errors.InvalidInput, match="10000×10000 pixels"):
        media.images.compress_photo(media.file("pixel flood"))
    with pytest.raises(errors.UnsupportedMedia):
        media.images.thumbnail(io.BytesIO(b"\x89PNG\r\n\x1a\nnot really a picture"))


@pytest.mark.parametrize(
    ("name", "content_type", "facts", "size"),
    [
        ("png", "image/png", {"width": 800, "height": 600}, (480, 360)),
        ("three A4 pages", "application/pdf", {"pages": 3, "dpi": None, **A4}, (340, 480)),  # the cover, whole
        ("a 150 dpi page", "application/pdf", {"pages": 1, **LETTER_150_DPI}, (350, 480)),
        (
            "video",
            "video/mp4",
            {"width": 160, "height": 96, "codec": "h264", "duration": 1.0, "poster_at": 0.0},
            (160, 96),
        ),
        (
            "upright phone video",
            "video/mp4",
            {"width": 96, "height": 160, "codec": "h264", "duration": 1.0, "poster_at": 0.0, "rotation": 90},
            (96, 160),
        ),
    ],
)
def test_a_preview_tells_the_facts_the_spec_checks_read(
    media: Media, name: str, content_type: str, facts: dict[str, Any], size: tuple[int, int]
) -> None:
    preview = media.probe.preview(media.file(name), content_type)
    assert preview.error is None and preview.facts == facts
    assert preview.image is not None and preview.image.content_type == "image/webp"
    assert (preview.image.width, preview.image.height) == size


@pytest.mark.parametrize(
    ("data", "content_type", "error"),
    [
        (b"PK\x03\x04 a zip", "application/zip", "no preview is made for application/zip files"),
        (b"%PDF-1.7 broken", "application/pdf", "this application/pdf file could not be previewed"),
    ],
)
def test_a_file_without_a_preview_says_why_and_never_raises(
    media: Media, data: bytes, content_type: str, error: str
) -> None:
    preview = media.probe.preview(io.BytesIO(data), content_type)
    assert (preview.image, preview.facts, preview.error) == (None, {}, error)


def test_an_image_too_big_to_preview_still_tells_its_size(media: Media) -> None:
    preview = media.probe.preview(media.file("pixel flood"), "image/png")
    assert preview.image is None and preview.facts == {"width": 10_000, "height": 10_000}
    assert preview.error is not None and "50 megapixels" in preview.error


def test_a_pdf_page_is_drawn_to_the_asked_edge_and_a_missing_page_is_invalid(media: Media) -> None:
    page = media.probe.page(media.file("three A4 pages"), 2, 1000)
    assert (page.content_type, page.width, page.height) == ("image/webp", 707, 1000)
    with pytest.raises(errors.InvalidInput, match="pages 1 to 3, not 4"):
        media.probe.page(media.file("three A4 pages"), 4, 1000)
    with pytest.raises(errors.UnsupportedMedia):
        media.probe.page(io.BytesIO(b"%PDF-1.7 broken"), 1, 1000)
