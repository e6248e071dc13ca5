"""Photos and thumbnails with Pillow (and pillow-heif for iPhone HEIC).

The pipeline is draft-first: the size is read from the header (a pixel flood is refused before any decoding),
``draft()`` lets JPEG's DCT scaling decode at a reduced size, ``thumbnail`` caps the long edge, and only then
``exif_transpose`` turns the (now smaller) image upright. The result is re-encoded from pixels only: EXIF (GPS
included), XMP and comments are left behind; the ICC profile is kept so colours stay right.
"""

from __future__ import annotations

import io
import math
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from eventflow.core import errors
from eventflow.core.ports import EncodedImage

PHOTO_EDGE = 2560
THUMBNAIL_EDGE = 480
#: 50 megapixels: a 48 MP phone photo passes; decoding it needs about 150 MB.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85
WEBP_QUALITY = 80


class PillowImageProcessor:
    def __init__(self, photo_edge: int = PHOTO_EDGE, thumbnail_edge: int = THUMBNAIL_EDGE) -> None:
        import pillow_heif

        pillow_heif.register_heif_opener()
        self.photo_edge = photo_edge
        self.thumbnail_edge = thumbnail_edge

    def compress_photo(self, source: BinaryIO) -> EncodedImage:
        return self.encode(self._upright(source, self.photo_edge), thumbnail=False)

    def thumbnail(self, source: BinaryIO) -> EncodedImage:
        return self.encode(self._upright(source, self.thumbnail_edge), thumbnail=True)

    def _upright(self, source: BinaryIO, edge: int) -> Image.Image:
        try:
            img = Image.open(source)
            check_pixels(img.size)
            img.draft("RGB", draft_size(img.size, edge))
            img.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=3.0)  # a square box: any orientation
            upright = ImageOps.exif_transpose(img)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise errors.UnsupportedMedia(f"this image cannot be read ({exc})") from None
        return upright

    def encode(self, img: Image.Image, thumbnail: bool) -> EncodedImage:
        icc = img.info.get("icc_profile")
        has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
        out = io.BytesIO()
        if has_alpha or thumbnail:
            pixels = img.convert("RGBA" if has_alpha else "RGB")
            pixels.save(out, "WEBP", quality=WEBP_QUALITY, method=4, icc_profile=icc)
            content_type = "image/webp"
        else:
            pixels = img.convert("RGB")
            pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, icc_profile=icc)
            content_type = "image/jpeg"
        return EncodedImage(data=out.getvalue(), content_type=content_type, width=pixels.width, height=pixels.height)


def check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise errors.InvalidInput(
            f"this image is {width}x{height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels are accepted",
            "file",
        )


def draft_size(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The smallest size whose long edge still reaches ``edge`` (JPEG decodes at 1/2, 1/4, 1/8 when it may)."""
    scale = min(1.0, edge / max(size))
    return math.ceil(size[0] * scale), math.ceil(size[1] * scale)
