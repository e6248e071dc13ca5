"""The base of every page resource: public to the auth middleware (pages redirect to the login form themselves),
domain errors shown as a page in the reader's language rather than as JSON."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import falcon

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.entrypoints.web.pages.cache import PageCache
from eventflow.entrypoints.web.pages.render import Renderer

Responder = Callable[..., None]


def html_errors(responder: Responder) -> Responder:
    """Render a domain error (not found, forbidden, bad input) as the error page with its HTTP status."""

    @functools.wraps(responder)
    def wrapped(self: Page, req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
        try:
            responder(self, req, resp, **params)
        except errors.EventflowError:
            resp.content_type = falcon.MEDIA_HTML  # the error handler (web/errors.py) answers with the error page
            raise

    return wrapped


class Page:
    auth_required = False  # a page answers a visitor with the login form, not a 401
    shares_reads = True  # GET reads the session and the page's data in one transaction (middleware)

    def __init__(self, services: Services, renderer: Renderer) -> None:
        self.services = services
        self.renderer = renderer


class KeptPage(Page):
    """A page whose ``@kept`` GET is answered from ``cache`` until something changes (see ``pages.cache``)."""

    def __init__(self, services: Services, renderer: Renderer, cache: PageCache) -> None:
        super().__init__(services, renderer)
        self.cache = cache
