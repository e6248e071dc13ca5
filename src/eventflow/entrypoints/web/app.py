"""The Falcon app factory: middleware, error mapping and the routes of every web module.

Each module in ``ROUTE_MODULES`` has ``register(app, services)`` adding its routes, and may expose an
``OPENAPI`` fragment (paths and component schemas) that ``/api/openapi.json`` merges. To add routes,
write such a module and add it to the tuple.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import falcon
from falcon.routing import IntConverter

from eventflow.bootstrap import Services
from eventflow.entrypoints.web import (
    admission,
    api_admin,
    api_audit,
    api_events,
    api_insight,
    api_notifications,
    api_review,
    api_webhooks,
    assets,
    auth,
    credentials,
    feeds,
    live,
    openapi,
    pages,
    tus,
)
from eventflow.entrypoints.web.errors import register_error_handlers
from eventflow.entrypoints.web.middleware import OneReadTransaction, ReaderLanguage, RequestId, SecurityHeaders
from eventflow.entrypoints.web.pages.render import Renderer
from eventflow.entrypoints.web.schema import Json

ROUTE_MODULES: tuple[ModuleType, ...] = (
    api_events,
    api_admin,
    api_audit,
    api_review,
    api_insight,
    credentials,
    assets,
    tus,
    pages,
    api_webhooks,
    feeds,
    live,
    api_notifications,
)


class IdConverter(IntConverter):
    """``{name:id}``: a positive integer that fits a database id; anything else is a 404."""

    def __init__(self) -> None:
        super().__init__(min=1, max=2**31 - 1)


def create_app(services: Services) -> falcon.App[falcon.Request, falcon.Response]:
    # Before authentication, so that a page reads its caller in the same transaction as its data.
    middleware: list[Any] = [RequestId(), SecurityHeaders(), OneReadTransaction(services.reads)]
    app = falcon.App(middleware=middleware)
    app.router_options.converters["id"] = IdConverter
    app.req_options.strip_url_path_trailing_slash = True
    app.resp_options.secure_cookies_by_default = False  # decided per request by auth.CookiePolicy
    answers = register_error_handlers(app, Renderer(services.settings.timezone))  # in the reader's language
    answers.identify = auth.register(
        app, services, trust_forwarded_proto=services.settings.trust_forwarded_proto
    ).identify_quietly  # a page no route takes still knows its reader
    app.add_middleware(ReaderLanguage())  # once the caller is known
    admission.register(app, services.settings.body_timeout_seconds)
    for module in ROUTE_MODULES:
        module.register(app, services)
    app.add_route("/api/openapi.json", openapi.OpenApiResource(api_document()))
    return app


def api_document() -> Json:
    """The OpenAPI document of every route module; served at ``/api/openapi.json``."""
    return openapi.build_document([auth, openapi, *ROUTE_MODULES])
