"""Calendar feeds: ``/api/me/feed`` (one's own secret address) and ``/api/bars/{id}/feed`` (a bar's, admins), and
the iCalendar file itself at ``/feeds/SECRET.ics``, which needs no other authentication: the address is the key.

``POST`` makes a new address and retires the previous one; ``DELETE`` retires it; ``GET`` shows the current one
(404 when there is none). The file answers ``ETag`` and honours ``If-None-Match`` (304), so a calendar app polling
an unchanged feed gets no body.
"""

from __future__ import annotations

import hashlib
from typing import Any

import falcon

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.services.feeds import FeedService
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.openapi import operation, path_id

CALENDAR_TYPE = "text/calendar; charset=utf-8"


class FeedLinkResource:
    """The caller's own feed (``/api/me/feed``) or, with ``bar_id``, a bar's (admins)."""

    def __init__(self, feeds: FeedService) -> None:
        self._feeds = feeds

    def on_get(self, req: falcon.Request, resp: falcon.Response, bar_id: int | None = None) -> None:
        url = self._feeds.address(req.context.user, bar_id)
        if url is None:
            raise errors.NotFound("calendar feed", "yet (POST to this address makes one)")
        resp.media = presenters.FeedLink.json(url)

    def on_post(self, req: falcon.Request, resp: falcon.Response, bar_id: int | None = None) -> None:
        resp.status = falcon.HTTP_201
        resp.media = presenters.FeedLink.json(self._feeds.create(req.context.user, bar_id))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, bar_id: int | None = None) -> None:
        self._feeds.revoke(req.context.user, bar_id)
        resp.status = falcon.HTTP_204


class FeedFileResource:
    """``GET /feeds/SECRET.ics``: what a calendar app reads."""

    auth_required = False

    def __init__(self, feeds: FeedService) -> None:
        self._feeds = feeds

    def on_get(self, req: falcon.Request, resp: falcon.Response, secret: str) -> None:
        from eventflow.entrypoints.ical import to_ical  # icalendar (~9 MB) loads with the first feed read

        body = to_ical(self._feeds.calendar(secret))
        etag = hashlib.sha256(body).hexdigest()[:32]
        resp.etag = etag
        resp.cache_control = ["private", "no-cache"]
        resp.set_header("Referrer-Policy", "no-referrer")
        if any(tag in (etag, "*") for tag in req.if_none_match or ()):
            resp.status = falcon.HTTP_304
            return
        resp.content_type = CALENDAR_TYPE
        resp.downloadable_as = "eventflow.ics"
        resp.data = body

    on_head = on_get


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    links = FeedLinkResource(services.feeds)
    app.add_route("/api/me/feed", links)
    app.add_route("/api/bars/{bar_id:id}/feed", links)
    app.add_route("/feeds/{secret}.ics", FeedFileResource(services.feeds))


_FEED = "feeds"
_BAR = [path_id("bar_id")]
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/me/feed": {
            "get": operation(
                "The secret iCalendar address of one's own nights, deadlines and slots due (404: none yet)",
                _FEED, presenters.FeedLink, errors=(404,), operation_id="getMyFeed",
            ),
            "post": operation(
                "A new secret iCalendar address of one's own calendar; the previous one stops working",
                _FEED, presenters.FeedLink, status=201, errors=(403,), operation_id="createMyFeed",
            ),
            "delete": operation(
                "Retire one's calendar address", _FEED, None, status=204, errors=(403,), operation_id="deleteMyFeed"
            ),
        },
        "/api/bars/{bar_id}/feed": {
            "get": operation(
                "The secret iCalendar address of a bar's nights and deadlines, for its staff (admin; 404: none yet)",
                _FEED, presenters.FeedLink, params=_BAR, errors=(403, 404), operation_id="getBarFeed",
            ),
            "post": operation(
                "A new secret iCalendar address for a bar's staff (admin); the previous one stops working",
                _FEED, presenters.FeedLink, status=201, params=_BAR, errors=(403, 404), operation_id="createBarFeed",
            ),
            "delete": operation(
                "Retire a bar's calendar address (admin)", _FEED, None, status=204, params=_BAR, errors=(403, 404),
                operation_id="deleteBarFeed",
            ),
        },
    }
}  # fmt: skip
