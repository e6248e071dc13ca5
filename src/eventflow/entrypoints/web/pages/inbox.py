"""``/notifications`` ("Mes notifications": the inbox, newest first, mark one or all read) and ``/my-deliverables``
("Mes livrables": my slots on the nights to come, late ones first, then by due date)."""

from __future__ import annotations

import falcon

from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_user


class NotificationsPage(Page):
    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        me = current_user(req)
        self.renderer.page(req, resp, "notifications.html", lines=self.services.inbox.notifications(me))


class MyDeliverablesPage(Page):
    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        me = current_user(req)
        today = self.services.clock.today()
        self.renderer.page(req, resp, "my_deliverables.html", mine=self.services.inbox.my_deliverables(me), today=today)
