"""Photos and thumbnails with Pillow (and pillow-heif for iPhone HEIC), in bounded memory.

The size is read from the header first, so a pixel flood is refused before any decoding; ``draft()`` lets JPEG's
DCT scaling decode at a reduced size; a whole-factor ``reduce`` lets go of a full-size decode (PNG, HEIC) before
the finer Lanczos resize caps the long edge; only then does ``exif_transpose`` turn the (now small) image upright.
Decoding holds permits from the process's ``DecodeSlots``, so a burst of 49 MP uploads queues instead of
decoding side by side. The result is re-encoded from pixels only: EXIF (GPS included), XMP and comments are left
behind; the ICC profile is kept so colours stay right.
"""

from __future__ import annotations

import ctypes
import functools
import io
import math
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, BinaryIO

from eventflow.core import errors
from eventflow.core.ports import EncodedImage

if TYPE_CHECKING:
    from PIL import Image

PHOTO_EDGE = 2560
THUMBNAIL_EDGE = 480
#: 50 megapixels: a 48 MP phone photo passes; decoding it needs about 200 MB.
MAX_PIXELS = 50_000_000
#: Images decoded at once per process (``EVENTFLOW_IMAGE_DECODES``).
DECODES = 2
#: One permit covers a decode of up to 25 MP (100 MB of pixels, about 150 MB with the resize's copies); a bigger
#: image takes two, so a process holds about ``DECODES`` x 150 MB of pixels whatever is sent.
PERMIT_PIXELS = 25_000_000
#: glibc's ``mallopt`` option, and the size from which allocations are mapped (and unmapped when freed).
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 4 * 1024 * 1024
JPEG_QUALITY = 85
WEBP_QUALITY = 80


class DecodeSlots:
    """A semaphore of ``permits`` whose callers may take several permits at once, served in arrival order."""

    def __init__(self, permits: int) -> None:
        self.permits = permits
        self._free = permits
        self._queue: deque[object] = deque()
        self._changed = threading.Condition()

    @property
    def waiting(self) -> int:
        """How many callers wait for their permits."""
        with self._changed:
            return len(self._queue)

    @contextmanager
    def hold(self, count: int) -> Iterator[None]:
        """Take ``count`` permits (at least one, at most all) once every earlier caller has had theirs."""
        count = min(max(count, 1), self.permits)
        turn = object()
        with self._changed:
            self._queue.append(turn)
            try:
                self._changed.wait_for(lambda: self._queue[0] is turn and self._free >= count)
            finally:
                self._queue.remove(turn)
                self._changed.notify_all()  # the next in line may fit in what is left
            self._free -= count
        try:
            yield
        finally:
            with self._changed:
                self._free += count
                self._changed.notify_all()


class PillowImageProcessor:
    def __init__(
        self,
        photo_edge: int = PHOTO_EDGE,
        thumbnail_edge: int = THUMBNAIL_EDGE,
        decodes: int = DECODES,
        permit_pixels: int = PERMIT_PIXELS,
    ) -> None:
        give_big_buffers_back()
        self.photo_edge = photo_edge
        self.thumbnail_edge = thumbnail_edge
        self.permit_pixels = permit_pixels
        self.slots = DecodeSlots(decodes)

    def compress_photo(self, source: BinaryIO) -> EncodedImage:
        return self._shrink(source, self.photo_edge, thumbnail=False)

    def thumbnail(self, source: BinaryIO) -> EncodedImage:
        return self._shrink(source, self.thumbnail_edge, thumbnail=True)

    def decoding(self, pixels: int = 1) -> AbstractContextManager[None]:
        """Hold the permits to decode ``pixels`` (PDF pages and video frames are decoded under them too)."""
        return self.slots.hold(math.ceil(pixels / self.permit_pixels))

    def _shrink(self, source: BinaryIO, edge: int, thumbnail: bool) -> EncodedImage:
        """Upright, long edge capped at ``edge``, encoded; the only reference to the full-size decode is here."""
        ready_pillow()
        from PIL import Image, ImageOps

        with readable():
            img: Image.Image = Image.open(source)
            check_pixels(img.size)
            img.draft("RGB", draft_size(img.size, edge))
        with self.decoding(img.width * img.height):
            with readable():
                img = reduced(img, edge)  # rebinding lets go of the full-size pixels before the finer resize
                # A square box: any orientation. No reducing gap: draft and reduce have done that part.
                img.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=None)
                ImageOps.exif_transpose(img, in_place=True)
            return self.encode(img, thumbnail)

    def encode(self, img: Image.Image, thumbnail: bool) -> EncodedImage:
        icc = img.info.get("icc_profile")
        has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
        out = io.BytesIO()
        if has_alpha or thumbnail:
            pixels = in_mode(img, "RGBA" if has_alpha else "RGB")
            pixels.save(out, "WEBP", quality=WEBP_QUALITY, method=4, icc_profile=icc)
            content_type = "image/webp"
        else:
            pixels = in_mode(img, "RGB")
            pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, icc_profile=icc)
            content_type = "image/jpeg"
        return EncodedImage(data=out.getvalue(), content_type=content_type, width=pixels.width, height=pixels.height)


@functools.cache
def ready_pillow() -> None:
    """Pillow, loaded and set up on the first picture rather than with the processor: the media probe is asked about
    every upload, and a zip or a spreadsheet has no picture to load Pillow and pillow-heif for (~7 MB per worker)."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()  # iPhone photos
    # check_pixels refuses big images naming their size; Pillow's own guard would answer first from 179 MP,
    # with a message that names neither the size nor the limit.
    Image.MAX_IMAGE_PIXELS = None


def give_big_buffers_back() -> None:
    """Pixels live in malloc'ed blocks of up to 16 MB. glibc keeps a freed block in the arena of the thread that
    used it and, after each big free, raises the size from which it maps memory; so a worker's memory would grow
    with every one of its threads that ever decoded a big image. A fixed threshold maps every big block: freed
    means given back to the system."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:  # glibc (and musl, which ignores it); elsewhere the allocator is left as it is
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


@contextmanager
def readable() -> Iterator[None]:
    """Pillow's many ways of saying "not an image I can read" become one UnsupportedMedia."""
    from PIL import UnidentifiedImageError

    try:
        yield
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise errors.UnsupportedMedia("this image cannot be read (%(exc)s)", exc=str(exc)) from None


def check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise errors.InvalidInput(
            "this image is %(width)s×%(height)s pixels (%(megapixels)s megapixels); the limit is %(limit)s megapixels",
            "file",
            width=width,
            height=height,
            megapixels=round(width * height / 1000000),
            limit=MAX_PIXELS // 1000000,
        )


def draft_size(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The smallest size whose long edge still reaches ``edge`` (JPEG decodes at 1/2, 1/4, 1/8 when it may)."""
    scale = min(1.0, edge / max(size))
    return math.ceil(size[0] * scale), math.ceil(size[1] * scale)


def reduced(img: Image.Image, edge: int) -> Image.Image:
    """Shrunk by the largest whole factor that keeps the long edge at ``edge`` or more (a box average)."""
    factor = max(img.size) // edge
    if factor < 2 or img.mode in ("1", "P") or img.mode.startswith("I;16"):  # modes reduce() refuses
        return img
    return img.reduce(factor)


def in_mode(img: Image.Image, mode: str) -> Image.Image:
    return img if img.mode == mode else img.convert(mode)
