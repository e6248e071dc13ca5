"""People and configuration: users, bars, monthly themes, deliverable templates (admins write, everyone reads)."""

from __future__ import annotations

from typing import Any

import falcon

from eventflow.bootstrap import Services
from eventflow.entrypoints.web.openapi import operation
from eventflow.entrypoints.web.views import array_of, user_json


class UsersResource:
    def __init__(self, services: Services) -> None:
        self._users = services.users

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [user_json(u) for u in self._users.list()]


def register(app: falcon.App, services: Services) -> None:
    app.add_route("/api/users", UsersResource(services))


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/users": {
            "get": operation("Every user, active or not", "users", array_of("User"), operation_id="listUsers"),
        }
    }
}
