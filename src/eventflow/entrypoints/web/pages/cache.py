"""Rendered pages kept while nothing they show can have changed.

A page is kept under the database's revision (every committed write makes a new one, so a change anyone makes is
seen at once), the reader's count of unread notifications (in its header), the day (countdowns and health move at
midnight), the session (its CSRF token is in the forms, its user's language and bars shape the page) and the URL.
Each server process keeps its own, the least recently used pages dropped first.
Callers without a session (API tokens) and error pages are never kept. A kept page is served with the response's own
style nonce (``middleware.SecurityHeaders``) in place of the one it was rendered with, so that it matches the
response's Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import falcon

if TYPE_CHECKING:
    from eventflow.entrypoints.web.pages.base import KeptPage

#: Pages a process keeps (a calendar or a card is 30 to 50 kB: a few MB at most).
SIZE = 200

Key = tuple[int, dt.date, str, str, int]


class PageCache:
    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._pages: OrderedDict[Key, tuple[str, str]] = OrderedDict()  # the page, and the nonce it holds
        self._lock = threading.Lock()

    def key(self, req: falcon.Request, today: dt.date) -> Key | None:
        revision, csrf = req.context.get("revision"), req.context.get("csrf_token")
        unread = req.context.get("unread") or 0  # the header counts the unread notifications
        return None if revision is None or not csrf else (revision, today, csrf, req.relative_uri, unread)

    def get(self, key: Key, nonce: str = "") -> str | None:
        """The kept page, holding ``nonce`` where it held the nonce it was rendered with."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
        if kept is None:
            return None
        page, rendered_with = kept
        return page.replace(f'nonce="{rendered_with}"', f'nonce="{nonce}"') if rendered_with else page

    def put(self, key: Key, page: str, nonce: str = "") -> None:
        with self._lock:
            self._pages[key] = (page, nonce)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


def kept(responder: Callable[..., None]) -> Callable[..., None]:
    """A page's GET answered from the page's cache when it holds this page at this revision; else rendered and kept."""

    @functools.wraps(responder)
    def wrapped(page: KeptPage, req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
        key = page.cache.key(req, page.services.clock.today())
        nonce = req.context.get("csp_nonce") or ""
        text = page.cache.get(key, nonce) if key else None
        if text is not None:
            page.renderer.headers(resp)
            resp.text = text
            return
        responder(page, req, resp, **params)
        if key and resp.status in (200, falcon.HTTP_200) and isinstance(resp.text, str):
            page.cache.put(key, resp.text, nonce)

    return wrapped
