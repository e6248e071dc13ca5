"""Admin pages: users, bars and hardware, monthly themes, templates, storage.

Every write goes through the JSON API from ``admin.js`` (cookie session + CSRF like any write).
"""

from __future__ import annotations

import datetime as dt

import falcon

from eventflow.core import errors
from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_admin

SECTIONS = ("users", "bars", "themes", "templates", "storage")
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
        return {"users": self.services.users.list()}

    def _bars(self, year: int) -> dict[str, object]:
        return {"bars": self.services.bars.list()}

    def _themes(self, year: int) -> dict[str, object]:
        themes = {t.key: t for y in (year, year + 1) for t in self.services.themes.list(y)}
        months = [dt.date(y, m, 1) for y in (year, year + 1) for m in range(1, 13)]
        return {"themes": themes, "months": months}

    def _templates(self, year: int) -> dict[str, object]:
        return {"templates": self.services.templates.list()}

    def _storage(self, year: int) -> dict[str, object]:
        return {
            "report": self.services.storage.report(),
            "purgeable": self.services.storage.purge_plan().bytes,
            "alert_percent": ALERT_PERCENT,
        }
