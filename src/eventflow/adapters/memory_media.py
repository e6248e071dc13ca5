"""An image processor and media probe without Pillow, PyAV or PDFium: the fakes the asset services' unit tests use.

They read what a file "is" from a line of JSON facts that ``fake_file`` writes after the first bytes its type
starts with (so the core's content check accepts it): ``fake_file("image/jpeg", width=4000, height=3000,
orientation=6)``. From those facts they answer what the real adapters answer and the core relies on: a photo turned
upright and shrunk to 2560 pixels (Pillow's rounding), re-encoded as JPEG (WebP when it has transparency) with
nothing but its size; a 480-pixel WebP thumbnail; a PDF's page count, page size and resolution; a video's size,
codec, duration and rotation; an image with too many pixels refused (``InvalidInput``), a file without facts
unreadable (``UnsupportedMedia``), and a preview that never raises.
``tests/integration/media/test_media_contract.py`` holds the real adapters and these fakes to the same answers.
"""

from __future__ import annotations

import json
import math
from typing import Any, BinaryIO

from eventflow.core import errors
from eventflow.core.ports import EncodedImage, MediaPreview

#: The same limits as the Pillow adapter's (the contract test checks they agree).
PHOTO_EDGE = 2560
THUMBNAIL_EDGE = 480
MAX_PIXELS = 50_000_000
PDF_TYPES = ("application/pdf", "application/illustrator")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif")
#: How each type's files begin (what ``core.services.assets`` checks), then the facts' line.
FIRST_BYTES = {
    "image/jpeg": b"\xff\xd8\xff\xe0",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/webp": b"RIFF\x00\x00\x00\x00WEBP",
    "image/gif": b"GIF89a",
    "image/heic": b"\x00\x00\x00\x18ftypheic",
    "video/mp4": b"\x00\x00\x00\x18ftypisom",
    "video/quicktime": b"\x00\x00\x00\x14ftypqt  ",
    "application/pdf": b"%PDF-1.7\n",
}
FACTS_MARK = b"\n%eventflow-fake-media "
#: EXIF orientations that turn the picture a quarter (its width and height swap once upright).
QUARTER_TURNS = {5, 6, 7, 8}


def fake_file(content_type: str, **facts: Any) -> bytes:
    """A file of ``content_type`` whose content the fakes read as ``facts``: ``width``/``height`` (pixels),
    ``orientation`` (EXIF) and ``alpha`` for a picture; ``pages``, ``width_pt``, ``height_pt``, ``dpi`` for a PDF;
    ``width``, ``height``, ``codec``, ``duration``, ``rotation`` for a video (without ``width``: no video track)."""
    return FIRST_BYTES[content_type] + FACTS_MARK + json.dumps(facts, sort_keys=True).encode() + b"\n"


def facts_of(data: bytes) -> dict[str, Any] | None:
    """The facts ``fake_file`` wrote into ``data``, or None for any other file."""
    _, found, rest = data.partition(FACTS_MARK)
    if not found:
        return None
    facts: dict[str, Any] = json.loads(rest.partition(b"\n")[0])
    return facts


def shrunk(width: int, height: int, edge: int) -> tuple[int, int]:
    """``width`` x ``height`` fitted in an ``edge`` square, never enlarged, rounded as Pillow's ``thumbnail`` does."""
    if width <= edge and height <= edge:
        return width, height
    aspect = width / height

    def round_aspect(number: float, key: Any) -> int:
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    if aspect >= 1:
        return edge, round_aspect(edge / aspect, lambda n: 0 if n == 0 else abs(aspect - edge / n))
    return round_aspect(edge * aspect, lambda n: abs(aspect - n / edge)), edge


class FakeMedia:
    """Both ports in one object, like ``bootstrap.MediaOnDemand``; ``calls`` counts what was asked of it."""

    def __init__(
        self, photo_edge: int = PHOTO_EDGE, thumbnail_edge: int = THUMBNAIL_EDGE, max_pixels: int = MAX_PIXELS
    ) -> None:
        self.photo_edge = photo_edge
        self.thumbnail_edge = thumbnail_edge
        self.max_pixels = max_pixels
        self.calls: list[str] = []

    # -- ImageProcessor ------------------------------------------------------------------------------------------
    def compress_photo(self, source: BinaryIO) -> EncodedImage:
        self.calls.append("compress_photo")
        return self._shrink(self._picture(source), self.photo_edge, thumbnail=False)

    def thumbnail(self, source: BinaryIO) -> EncodedImage:
        self.calls.append("thumbnail")
        return self._shrink(self._picture(source), self.thumbnail_edge, thumbnail=True)

    # -- MediaProbe ----------------------------------------------------------------------------------------------
    def preview(self, source: BinaryIO, content_type: str) -> MediaPreview:
        self.calls.append("preview")
        facts = facts_of(source.read())
        if content_type not in (*PDF_TYPES, *IMAGE_TYPES) and not content_type.startswith("video/"):
            return MediaPreview(error=f"no preview is made for {content_type} files")
        if facts is None:
            return MediaPreview(error=f"this {content_type} file could not be previewed")
        if content_type in PDF_TYPES:
            return self._pdf(facts)
        if content_type.startswith("video/"):
            return self._video(facts)
        size = {"width": facts["width"], "height": facts["height"]}
        try:
            return MediaPreview(image=self._shrink(facts, self.thumbnail_edge, thumbnail=True), facts=size)
        except errors.InvalidInput as exc:
            return MediaPreview(facts=size, error=str(exc))

    def page(self, source: BinaryIO, number: int, edge: int) -> EncodedImage:
        self.calls.append("page")
        facts = facts_of(source.read())
        if facts is None or "pages" not in facts:
            raise errors.UnsupportedMedia("this PDF cannot be read (not a fake PDF)")
        if not 1 <= number <= facts["pages"]:
            raise errors.InvalidInput(
                "this PDF has pages 1 to %(count)s, not %(number)s", "page", count=facts["pages"], number=number
            )
        width, height = _fitted(facts["width_pt"], facts["height_pt"], edge)
        return _encoded("image/webp", width, height)

    # -- the facts ---------------------------------------------------------------------------------------------
    def _picture(self, source: BinaryIO) -> dict[str, Any]:
        facts = facts_of(source.read())
        if facts is None or "width" not in facts:
            raise errors.UnsupportedMedia("this image cannot be read (not a fake picture)")
        return facts

    def _shrink(self, facts: dict[str, Any], edge: int, thumbnail: bool) -> EncodedImage:
        width, height = facts["width"], facts["height"]
        if width * height > self.max_pixels:
            raise errors.InvalidInput(
                "this image is %(width)s×%(height)s pixels (%(megapixels)s megapixels); "
                "the limit is %(limit)s megapixels",
                "file",
                width=width,
                height=height,
                megapixels=round(width * height / 1_000_000),
                limit=self.max_pixels // 1_000_000,
            )
        width, height = shrunk(width, height, edge)
        if facts.get("orientation") in QUARTER_TURNS:
            width, height = height, width
        alpha = bool(facts.get("alpha"))
        content_type = "image/webp" if alpha or thumbnail else "image/jpeg"
        return _encoded(content_type, width, height, alpha=alpha)

    def _pdf(self, facts: dict[str, Any]) -> MediaPreview:
        pages = facts["pages"]
        width, height = _fitted(facts["width_pt"], facts["height_pt"], self.thumbnail_edge)
        cover = _encoded("image/webp", width, height)  # the first page, whole
        found = {"pages": pages, "width_pt": facts["width_pt"], "height_pt": facts["height_pt"], "dpi": facts["dpi"]}
        return MediaPreview(image=cover, facts=found)

    def _video(self, facts: dict[str, Any]) -> MediaPreview:
        duration = {"duration": facts["duration"]} if "duration" in facts else {}
        if "width" not in facts:
            return MediaPreview(facts=duration, error="this file has no video track")
        found = {**duration, "width": facts["width"], "height": facts["height"], "codec": facts["codec"]}
        # the poster is the frame a second in, or the first one of a shorter video (as ``media.POSTER_SECONDS``)
        found["poster_at"] = 1.0 if facts.get("duration", 0) > 1.0 else 0.0
        rotation = facts.get("rotation", 0)
        if rotation % 180:
            found |= {"width": facts["height"], "height": facts["width"], "rotation": rotation}
        poster = _encoded("image/webp", *shrunk(found["width"], found["height"], self.thumbnail_edge))
        return MediaPreview(image=poster, facts=found)


def _fitted(width: float, height: float, edge: int) -> tuple[int, int]:
    """A page of ``width`` x ``height`` points drawn with its long edge ``edge`` pixels (PDFium rounds up)."""
    scale = edge / max(width, height, 1)
    return math.ceil(width * scale - 1e-9), math.ceil(height * scale - 1e-9)


def _encoded(content_type: str, width: int, height: int, alpha: bool = False) -> EncodedImage:
    facts: dict[str, Any] = {"width": width, "height": height} | ({"alpha": True} if alpha else {})
    return EncodedImage(fake_file(content_type, **facts), content_type, width, height)
