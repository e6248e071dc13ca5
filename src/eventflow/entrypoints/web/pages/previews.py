"""What a file's preview picture shows, in words: the caption of a thumbnail and of the preview dialog. Given to every
template as a global (``template_globals``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventflow.core.i18n import N_
from eventflow.core.model import Asset

FIRST_PAGE = {
    "application/pdf": N_("First page of the PDF"),
    "application/illustrator": N_("First page of the Illustrator file"),
}
VIDEO_AT = N_("Frame of the video at %(seconds)s s")
VIDEO_FIRST = N_("First frame of the video")
VIDEO_SOME = N_("A frame of the video")
PHOTO = N_("Reduced copy of the photo")
OTHER = N_("Preview of the file")


def template_globals(gettext: Callable[[str], str], number: Callable[[float], str]) -> dict[str, Any]:
    """The functions templates call, with the texts and numbers of one language."""

    def preview_caption(asset: Asset) -> str:
        """What the preview picture of ``asset`` is: a PDF's first page, the frame of a video at a given time, a
        reduced copy of a photo."""
        kind = asset.content_type
        if kind in FIRST_PAGE:
            return gettext(FIRST_PAGE[kind])
        if kind.startswith("video/"):
            at = asset.media_info.get("poster_at")
            if not isinstance(at, int | float):  # a preview made before its time was kept
                return gettext(VIDEO_SOME)
            return gettext(VIDEO_FIRST) if at < 0.05 else gettext(VIDEO_AT) % {"seconds": number(at)}
        if kind.startswith("image/"):
            return gettext(PHOTO)
        return gettext(OTHER)

    return {"preview_caption": preview_caption}
