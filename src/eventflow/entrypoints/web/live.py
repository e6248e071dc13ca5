"""The change feed the open pages poll (``static/js/live.js``): ``GET /api/changes`` answers the database's revision
with an ``ETag``, and ``304 Not Modified`` while it is the one the page already has.

Polling, not server-sent events: a poll costs one indexed read (the session, its user and the revision in a single
SELECT, which every request makes anyway) and holds a server thread for about a millisecond, where an open event
stream would hold one of the eight gthread threads (or one of PythonAnywhere's few uWSGI workers) for as long as the
page stays open.
"""

from __future__ import annotations

from typing import Any

import falcon

from eventflow.bootstrap import Services
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.openapi import operation


def revision_etag(revision: int | None) -> str:
    return f"r{revision}" if revision is not None else "r-"


class ChangesResource:
    def __init__(self, services: Services) -> None:
        self._services = services

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        revision = req.context.get("revision")
        etag = revision_etag(revision)
        resp.etag = etag
        resp.cache_control = ["private", "no-cache"]
        if revision is not None and req.if_none_match and any(str(tag) == etag for tag in req.if_none_match):
            resp.status = falcon.HTTP_304
            return
        resp.media = presenters.Changes.json(revision)


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    app.add_route("/api/changes", ChangesResource(services))


def _changes_operation() -> Any:
    summary = "The database's revision, for pages that follow changes (304 while it is the one in If-None-Match)"
    op = operation(
        summary,
        "auth",
        presenters.Changes,
        operation_id="getChanges",
        headers={"ETag": {"description": "the revision, to send back in If-None-Match", "schema": {"type": "string"}}},
    )
    op["parameters"] = [
        {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "the ETag of the last answer: 304 with no body while nothing changed",
            "schema": {"type": "string"},
        }
    ]
    op["responses"]["304"] = {"description": "Nothing changed since If-None-Match"}
    return op


OPENAPI: dict[str, Any] = {"paths": {"/api/changes": {"get": _changes_operation()}}}
