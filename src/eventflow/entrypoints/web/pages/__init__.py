"""The web pages: server-rendered HTML (Jinja2) for people, beside the JSON API the pages' scripts call.

``register(app, services)`` adds every page route, the static files, the PWA manifest and service worker.
"""

from __future__ import annotations

import falcon

from eventflow.bootstrap import Services
from eventflow.entrypoints.web.pages.admin import AdminPage
from eventflow.entrypoints.web.pages.audit import AuditCsv, AuditPage
from eventflow.entrypoints.web.pages.cache import PageCache
from eventflow.entrypoints.web.pages.dashboards import MatrixPage, ReviewPage
from eventflow.entrypoints.web.pages.inbox import MyDeliverablesPage, NotificationsPage
from eventflow.entrypoints.web.pages.insight import StatsCsv, StatsPage
from eventflow.entrypoints.web.pages.profile import ProfilePage
from eventflow.entrypoints.web.pages.pwa import StaticFile
from eventflow.entrypoints.web.pages.render import STATIC_DIR, Renderer
from eventflow.entrypoints.web.pages.session import LoginPage, OfflinePage
from eventflow.entrypoints.web.pages.site import CalendarPage, EventPage


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    renderer = Renderer(services.settings.timezone)
    app.add_static_route("/static", str(STATIC_DIR))
    app.add_route("/sw.js", StaticFile("sw.js", "text/javascript"))
    app.add_route("/manifest.webmanifest", StaticFile("manifest.webmanifest", "application/manifest+json"))
    app.add_route("/login", LoginPage(services, renderer))
    app.add_route("/offline", OfflinePage(services, renderer))
    cache = PageCache()  # the pages people come back to most: the calendar and the event card
    app.add_route("/", CalendarPage(services, renderer, cache, home=True))
    app.add_route("/calendar", CalendarPage(services, renderer, cache, home=False))
    app.add_route("/events/{event_id:id}", EventPage(services, renderer, cache))
    app.add_route("/review", ReviewPage(services, renderer))
    app.add_route("/matrix", MatrixPage(services, renderer))
    app.add_route("/stats", StatsPage(services, renderer))
    app.add_route("/stats.csv", StatsCsv(services, renderer))
    app.add_route("/profile", ProfilePage(services, renderer))
    app.add_route("/notifications", NotificationsPage(services, renderer))
    app.add_route("/my-deliverables", MyDeliverablesPage(services, renderer))
    admin = AdminPage(services, renderer)
    app.add_route("/admin/audit", AuditPage(services, renderer))
    app.add_route("/admin/audit.csv", AuditCsv(services, renderer))
    app.add_route("/admin", admin)
    app.add_route("/admin/{section}", admin)
