"""Admin pages: users, bars and hardware, monthly themes, templates, storage.

Most writes go through the JSON API from ``admin.js``. Resetting a password and the storage jobs have no API
route, so the admin pages own three small JSON actions here (cookie session + CSRF like any write).
"""

from __future__ import annotations

import datetime as dt

import falcon

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.services.storage import Summary
from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_admin

SECTIONS = ("users", "bars", "themes", "templates", "storage", "review")
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

    def _review(self, year: int) -> dict[str, object]:
        return {"settings": self.services.review.settings()}

    def _storage(self, year: int) -> dict[str, object]:
        return {
            "report": self.services.storage.report(),
            "purgeable": self.services.storage.purge_plan().bytes,
            "alert_percent": ALERT_PERCENT,
        }


def summary_media(summary: Summary) -> dict[str, object]:
    return {"action": summary.action, "files": summary.files, "freed_bytes": summary.freed_bytes}


class AdminActions:
    """``POST /admin/users/{id}/password`` ``{"password"}``, ``POST /admin/storage/archive`` and ``/purge``."""

    def __init__(self, services: Services) -> None:
        self._users = services.users
        self._storage = services.storage

    def on_post_password(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        body = req.get_media()
        password = body.get("password") if isinstance(body, dict) else None
        if not isinstance(password, str):
            raise errors.InvalidInput('send the new password as {"password": ...}', "password")
        target = self._users.get(user_id)
        self._users.set_password(req.context.user, target.email, password)
        resp.status = falcon.HTTP_204

    def on_post_archive(self, req: falcon.Request, resp: falcon.Response) -> None:
        plan = self._storage.archive_plan()
        resp.media = summary_media(self._storage.archive(req.context.user, plan))

    def on_post_purge(self, req: falcon.Request, resp: falcon.Response) -> None:
        plan = self._storage.purge_plan()
        resp.media = summary_media(self._storage.purge(req.context.user, plan))
