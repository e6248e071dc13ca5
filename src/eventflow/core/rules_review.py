"""Review policies: which version of a slot is current, where a comment may point, who may approve, what is left to
look at. Pure functions: the versions, comments and settings they judge are arguments."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from eventflow.core import errors
from eventflow.core.model import Anchor, Asset, Comment, Deliverable, TeamSettings

PAGED_TYPES = ("application/pdf", "application/illustrator")
#: A region may overshoot the preview by this much (rounding in the browser), never more.
EDGE_TOLERANCE = 1e-6


def current_version(slot: Deliverable, versions: Sequence[Asset]) -> Asset | None:
    """The version chosen as current; the latest when none was chosen (or the chosen one is not among ``versions``)."""
    chosen = next((a for a in versions if a.version == slot.current_version), None)
    return chosen or max(versions, key=lambda a: a.version or 0, default=None)


def version_numbered(versions: Iterable[Asset], number: int) -> Asset | None:
    return next((a for a in versions if a.version == number), None)


def check_anchor(anchor: Anchor, versions: Sequence[Asset]) -> None:
    """InvalidInput (field ``anchor``) unless it points at a version of the slot, and within it at no more than one
    spot: a page the PDF has, a moment within the video, a region inside the preview."""
    version = version_numbered(versions, anchor.version)
    if version is None:
        raise errors.InvalidInput("this deliverable has no version %(version)s", "anchor", version=anchor.version)
    if sum(spot is not None for spot in (anchor.page, anchor.time, anchor.region)) > 1:
        raise errors.InvalidInput("an anchor points at one spot at most: a page, a time or a region", "anchor")
    if anchor.page is not None:
        _check_page(anchor.page, version)
    if anchor.time is not None:
        _check_time(anchor.time, version)
    if anchor.region is not None:
        _check_region(anchor.region)


def _check_page(page: int, version: Asset) -> None:
    pages = version.media_info.get("pages")
    if pages is None and version.content_type not in PAGED_TYPES:
        raise errors.InvalidInput(
            "v%(version)s (%(filename)s) has no pages",
            "anchor",
            version=version.version or 0,
            filename=version.filename,
        )
    if page < 1 or (isinstance(pages, int) and page > pages):
        raise errors.InvalidInput(
            "v%(version)s has pages 1 to %(value)s, not %(page)s",
            "anchor",
            version=version.version or 0,
            value=pages or "…",
            page=page,
        )


def _check_time(seconds: float, version: Asset) -> None:
    if not version.content_type.startswith("video/"):
        raise errors.InvalidInput(
            "v%(version)s (%(filename)s) is not a video: it has no time",
            "anchor",
            version=version.version or 0,
            filename=version.filename,
        )
    duration = version.media_info.get("duration")
    if not math.isfinite(seconds) or seconds < 0 or (isinstance(duration, int | float) and seconds > duration):
        length = f"0 to {duration} s" if isinstance(duration, int | float) else "0 s or more"
        raise errors.InvalidInput(
            "the time of v%(version)s must be %(length)s, not %(seconds)s",
            "anchor",
            version=version.version or 0,
            length=length,
            seconds=seconds,
        )


def _check_region(region: tuple[float, float, float, float]) -> None:
    x, y, w, h = region
    inside = all(math.isfinite(v) and v >= 0 for v in region) and x + w <= 1 + EDGE_TOLERANCE
    if not inside or y + h > 1 + EDGE_TOLERANCE:
        raise errors.InvalidInput(
            "a region is [x, y, width, height] in fractions of the preview: every number from 0 to 1, inside it",
            "anchor",
        )


def check_approver(settings: TeamSettings, current: Asset | None, approver_id: int | None) -> None:
    """Forbidden when the team wants a second pair of eyes and the approver uploaded the version to approve (the
    operator at the command line, ``None``, is trusted)."""
    if not settings.second_pair_of_eyes or current is None or current.uploaded_by is None:
        return
    if current.uploaded_by == approver_id:
        raise errors.Forbidden(
            "you uploaded v%(version)s: the team requires a second pair of eyes, so someone else must approve it",
            version=current.version or 0,
        )


def remarks_on(slot: Deliverable, current: Asset | None, comments: Iterable[Comment]) -> int:
    """Remarks about the version waiting for a look: comments about the slot (not replies, not deleted) anchored to
    it, or anchored nowhere and written since it arrived."""
    if current is None:
        return 0

    def about_current(c: Comment) -> bool:
        if c.anchor is not None:
            return c.anchor.version == current.version
        return c.created_at >= current.created_at

    return sum(
        1
        for c in comments
        if c.deliverable_id == slot.id and c.parent_id is None and c.deleted_at is None and about_current(c)
    )
