"""Home (calendar on a desktop, upcoming events on a phone), the calendar views, and the event card."""

from __future__ import annotations

from collections import Counter

import falcon

from eventflow.bootstrap import Services
from eventflow.core.model import Asset, PhotoCategory, Status
from eventflow.core.services.events import EventCard
from eventflow.entrypoints.web.pages import calendar
from eventflow.entrypoints.web.pages.base import KeptPage, html_errors
from eventflow.entrypoints.web.pages.cache import PageCache, kept
from eventflow.entrypoints.web.pages.comments import thread
from eventflow.entrypoints.web.pages.common import current_user, date_param
from eventflow.entrypoints.web.pages.render import Renderer
from eventflow.entrypoints.web.pages.review import CardReview

PHOTO_CATEGORIES = tuple(c.value for c in PhotoCategory)
INLINE_IMAGE = ("image/jpeg", "image/png", "image/webp", "image/gif")


class CalendarPage(KeptPage):
    """``/`` and ``/calendar``: the same page; on a phone, ``/`` shows "my upcoming events" first (CSS decides)."""

    def __init__(self, services: Services, renderer: Renderer, cache: PageCache, home: bool) -> None:
        super().__init__(services, renderer, cache)
        self.home = home

    @html_errors
    @kept
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        user = current_user(req)
        today = self.services.clock.today()
        period = calendar.Period.of(req.get_param("view") or "month", date_param(req, "date", today))
        filters = calendar.Filters.from_request(req, user)
        revision = req.context.get("revision")
        data = calendar.load(self.services.events, period, filters, today, self.home, revision)
        self.renderer.page(
            req,
            resp,
            "calendar.html",
            home=self.home,
            today=today,
            period=period,
            data=data,
            filters=filters,
            themes=data.themes,
            bars=data.bars,
            prev_date=period.step(-1),
            next_date=period.step(1),
        )


class EventPage(KeptPage):
    """``/events/{id}``: the event card, full screen; ``?fragment=1`` gives only the card for the calendar overlay."""

    @html_errors
    @kept
    def on_get(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        current_user(req)
        card = self.services.events.card(event_id, revision=req.context.get("revision"))
        users = {u.id: u for u in card.users}
        fragment = req.get_param_as_bool("fragment") or False
        self.renderer.page(
            req,
            resp,
            "event_fragment.html" if fragment else "event.html",
            card=card,
            event=card.summary.event,
            users=users,
            all_bars=card.bars,
            bar_names={b.id: b.name for b in card.summary.bars},
            slot_names={v.slot.id: v.slot.name for v in card.slots},
            photos=photos_by_category(card),
            categories=PHOTO_CATEGORIES,
            statuses=[s.value for s in Status],
            kind_of=asset_kind,
            today=self.services.clock.today(),
            thread=thread(card.comments, users.values()),
            slot_comment_counts=Counter(c.deliverable_id for c in card.comments if c.deleted_at is None),
            review=CardReview.of(card.comments),
            second_look=card.settings.second_pair_of_eyes,
        )


def photos_by_category(card: EventCard) -> dict[str, list[Asset]]:
    grouped: dict[str, list[Asset]] = {c: [] for c in PHOTO_CATEGORIES}
    for photo in card.photos:
        grouped[photo.category.value if photo.category else PhotoCategory.INSPIRATION.value].append(photo)
    return grouped


def asset_kind(asset: Asset) -> str:
    """How the browser can show it: image, pdf, video, or only a preview image / a download."""
    if asset.content_type in INLINE_IMAGE:
        return "image"
    if asset.content_type == "application/pdf":
        return "pdf"
    if asset.content_type.startswith("video/"):
        return "video"
    return "file"
