"""Previews and facts for stored files: image thumbnails, a PDF's first page with its size and resolution (pypdfium2),
video poster and facts (PyAV).

Nothing here raises: a file that cannot be previewed gets a ``MediaPreview`` saying why, and still counts as uploaded.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, BinaryIO

from eventflow.adapters.images import PillowImageProcessor, check_pixels, ready_pillow
from eventflow.core import errors
from eventflow.core.ports import EncodedImage, MediaPreview

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger("eventflow.media")

PDF_TYPES = ("application/pdf", "application/illustrator")
#: How many first pages of a PDF are searched for pictures to tell its resolution (the preview shows the first).
PDF_PAGES = 3
#: A poster frame is taken this far in (or at the start of a shorter video); its time is kept as ``poster_at``.
POSTER_SECONDS = 1.0
#: Frames decoded at most from the key frame before ``POSTER_SECONDS`` to reach it (then the last one is shown).
POSTER_SEARCH_FRAMES = 120
#: PDFium must never be called from two threads at once, not even for two documents: every call holds this lock.
PDFIUM = threading.Lock()


class MediaPreviewer:
    def __init__(self, images: PillowImageProcessor) -> None:
        self._images = images

    def preview(self, source: BinaryIO, content_type: str) -> MediaPreview:
        try:
            if content_type in PDF_TYPES:
                with PDFIUM:
                    return self._pdf(source)
            if content_type.startswith("video/"):
                return self._video(source)
            if content_type in ("image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif"):
                return self._image(source)
        except errors.EventflowError as exc:
            return MediaPreview(error=str(exc))
        except Exception as exc:  # a broken or exotic file: say so, never fail the upload
            log.info("no preview for a %s file: %s", content_type, exc)
            return MediaPreview(error=f"this {content_type} file could not be previewed")
        return MediaPreview(error=f"no preview is made for {content_type} files")

    def page(self, source: BinaryIO, number: int, edge: int) -> EncodedImage:
        import pypdfium2 as pdfium

        with PDFIUM:
            try:
                doc = pdfium.PdfDocument(source)
            except pdfium.PdfiumError as exc:
                raise errors.UnsupportedMedia("this PDF cannot be read (%(exc)s)", exc=str(exc)) from None
            try:
                if not 1 <= number <= len(doc):
                    raise errors.InvalidInput(
                        "this PDF has pages 1 to %(count)s, not %(number)s", "page", count=len(doc), number=number
                    )
                page = doc[number - 1]
                image = rendered(page, edge)
                page.close()
            finally:
                doc.close()
        return self._images.encode(image, thumbnail=True)

    def _image(self, source: BinaryIO) -> MediaPreview:
        ready_pillow()
        from PIL import Image

        with Image.open(source) as img:
            facts = {"width": img.width, "height": img.height}
        source.seek(0)
        try:
            return MediaPreview(image=self._images.thumbnail(source), facts=facts)
        except errors.InvalidInput as exc:  # too many pixels to preview: the file is kept, its size is known
            return MediaPreview(facts=facts, error=str(exc))

    def _pdf(self, source: BinaryIO) -> MediaPreview:
        """The first page (the cover), whole, its long edge at the thumbnail size."""
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(source)
        try:
            pages = len(doc)
            width, height = doc[0].get_size()
            with self._images.decoding():  # the page is rendered small, but pdfium decodes its images whole
                image = self._images.encode(rendered(doc[0], self._images.thumbnail_edge), thumbnail=True)
            dpi = largest_picture_dpi([doc[i] for i in range(min(pages, PDF_PAGES))])
        finally:
            doc.close()
        facts = {"pages": pages, "width_pt": round(width), "height_pt": round(height), "dpi": dpi}
        return MediaPreview(image=image, facts=facts)

    def _video(self, source: BinaryIO) -> MediaPreview:
        import av

        with av.open(source) as container:
            if not container.streams.video:
                return MediaPreview(facts=_duration(container), error="this file has no video track")
            stream = container.streams.video[0]
            facts: dict[str, Any] = {
                **_duration(container),
                "width": stream.codec_context.width,
                "height": stream.codec_context.height,
                "codec": stream.codec_context.name,
            }
            check_pixels((facts["width"], facts["height"]))
            with self._images.decoding(facts["width"] * facts["height"]):
                frame = _poster_frame(container, stream, facts.get("duration"))
                poster = None if frame is None else self._from_pil(_upright(frame))
        if poster is None:
            return MediaPreview(facts=facts, error="no frame of this video could be decoded")
        facts["poster_at"] = round(max(frame.time or 0.0, 0.0), 1)  # what the preview shows, for its caption
        if frame.rotation % 180:  # a phone video held upright: stored on its side, shown turned
            facts |= {"width": facts["height"], "height": facts["width"], "rotation": frame.rotation}
        return MediaPreview(image=poster, facts=facts)

    def _from_pil(self, image: Image.Image) -> EncodedImage:
        image.thumbnail((self._images.thumbnail_edge, self._images.thumbnail_edge))
        return self._images.encode(image, thumbnail=True)


def rendered(page: Any, edge: int) -> Image.Image:
    """A PDF page drawn on white, its long edge ``edge`` pixels; its own pixels: pdfium's bitmap is freed here, under
    the lock."""
    bitmap = page.render(scale=edge / max(*page.get_size(), 1))
    image: Image.Image = bitmap.to_pil().copy()
    bitmap.close()
    return image


def _duration(container: Any) -> dict[str, Any]:
    if container.duration is None:
        return {}
    return {"duration": round(container.duration / 1_000_000, 3)}


def _poster_frame(container: Any, stream: Any, duration: float | None) -> Any:
    """The video frame to show (an ``av.VideoFrame``), or None: the one at ``POSTER_SECONDS`` (a seek lands on the
    key frame before it, so frames are decoded up to it), the first one of a video of two seconds or less."""
    at = POSTER_SECONDS if duration and duration > 2 * POSTER_SECONDS else 0.0
    if at and stream.time_base:
        container.seek(int(at / stream.time_base), stream=stream)
    shown = None
    for count, frame in enumerate(container.decode(stream)):
        shown = frame
        if frame.time is None or frame.time >= at - 0.01 or count >= POSTER_SEARCH_FRAMES:
            break
    return shown


def _upright(frame: Any) -> Image.Image:
    """A video frame as it is shown: turned as the video says (phones store videos held upright on their side)."""
    image: Image.Image = frame.to_image()
    return image.rotate(frame.rotation, expand=True) if frame.rotation else image


def largest_picture_dpi(pages: list[Any]) -> float | None:
    """The resolution at which the largest picture on these PDF pages prints, or None when they hold none (vector
    art and text have no resolution to lack)."""
    import pypdfium2.raw as pdfium_c

    largest, dpi = 0.0, None
    for page in pages:
        for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = picture.get_bounds()
            area = (right - left) * (top - bottom)
            info = picture.get_metadata()
            if area > largest and min(info.horizontal_dpi, info.vertical_dpi) > 0:
                largest, dpi = area, round(min(info.horizontal_dpi, info.vertical_dpi), 1)
    return dpi
