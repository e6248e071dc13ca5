"""The login form (the login itself is ``POST /api/session``, throttled, called by ``login.js``)."""

from __future__ import annotations

import falcon

from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import safe_next


class LoginPage(Page):
    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        target = safe_next(req.get_param("next"))
        if req.context.get("user") is not None:
            raise falcon.HTTPSeeOther(target)
        self.renderer.page(req, resp, "login.html", next=target)


class OfflinePage(Page):
    """What the service worker shows when the network is gone."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.renderer.page(req, resp, "offline.html")
