"""``/profile``: the user's own settings — which e-mails they want, the language of the pages and e-mails, their
password, their personal API tokens and the secret address of their calendar feed."""

from __future__ import annotations

import falcon

from eventflow.core.model import NOTIFICATION_KINDS, Language
from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_user


class ProfilePage(Page):
    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        me = current_user(req)
        self.renderer.page(
            req,
            resp,
            "profile.html",
            kinds=NOTIFICATION_KINDS,
            languages=[lang.value for lang in Language],
            tokens=self.services.users.tokens(me, me.id or 0),
            feed_url=self.services.feeds.address(me),
        )
