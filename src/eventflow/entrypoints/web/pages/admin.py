"""Admin pages: users, bars and hardware (and their staff calendars), monthly themes, templates, storage, webhooks.

Every write goes through the JSON API from ``admin.js`` (cookie session + CSRF like any write).
"""

from __future__ import annotations

import datetime as dt
import secrets

import falcon

from eventflow.core import errors
from eventflow.core.model import Bar, DeliverableTemplate, WebhookFormat
from eventflow.core.rules_webhooks import EVENT_NAMES
from eventflow.core.services.users import MIN_PASSWORD
from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_admin

SECTIONS = ("users", "bars", "themes", "templates", "storage", "webhooks", "review")
ALERT_PERCENT = 80


class AdminPage(Page):
    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response, section: str = "users") -> None:
        current_admin(req)
        if section not in SECTIONS:
            raise errors.NotFound("admin page", section)
        today = self.services.clock.today()
        context = getattr(self, f"_{section}")(today.year)
        self.renderer.page(req, resp, f"admin_{section}.html", section=section, sections=SECTIONS, **context)

    def _users(self, year: int) -> dict[str, object]:
        return {"users": self.services.users.list(), "min_password": MIN_PASSWORD}

    def _bars(self, year: int) -> dict[str, object]:
        bars = self.services.bars.list()
        # None: the operator's rights; only admins reach this page (``current_admin``)
        feeds = {bar.id: self.services.feeds.address(None, bar.id or 0) for bar in bars}
        return {"bars": bars, "feeds": feeds, "screen_kinds": screen_kinds(bars, self.services.templates.list())}

    def _themes(self, year: int) -> dict[str, object]:
        themes = {t.key: t for y in (year, year + 1) for t in self.services.themes.list(y)}
        months = [dt.date(y, m, 1) for y in (year, year + 1) for m in range(1, 13)]
        return {"themes": themes, "months": months}

    def _templates(self, year: int) -> dict[str, object]:
        return {"templates": self.services.templates.list()}

    def _review(self, year: int) -> dict[str, object]:
        return {"settings": self.services.review.settings()}

    def _storage(self, year: int) -> dict[str, object]:
        return {
            "report": self.services.storage.report(),
            "purgeable": self.services.storage.purge_plan().bytes,
            "alert_percent": ALERT_PERCENT,
        }

    def _webhooks(self, year: int) -> dict[str, object]:
        return {
            "webhooks": self.services.webhooks.list(None),  # the operator's rights: only admins reach this page
            "event_names": EVENT_NAMES,
            "formats": [f.value for f in WebhookFormat],
            "new_secret": secrets.token_urlsafe(24),
        }


def screen_kinds(bars: list[Bar], templates: list[DeliverableTemplate]) -> dict[str, str]:
    """The kinds of screen a bar's screen may be, each with a name people know: the templates' (which make the
    screen's slots), then the screens' own labels."""
    kinds = {t.hardware_kind: t.name for t in templates if t.hardware_kind}
    for screen in (screen for bar in bars for screen in bar.screens):
        kinds.setdefault(screen.kind, screen.label)
    return dict(sorted(kinds.items(), key=lambda item: item[1].lower()))
