"""Review: the team's settings (a second pair of eyes) and the pages of a PDF version as images, to compare them.

Versions, the current one, decisions with reasons and anchored comments go through the events API (``PATCH
/api/deliverables/{id}``, ``POST /api/events/{id}/comments``).
"""

from __future__ import annotations

from typing import Any

import falcon
from attrs import field, frozen

from eventflow.bootstrap import Services
from eventflow.core.commands import UNSET
from eventflow.core.services.review import PAGE_EDGE, SettingsChange
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_changes
from eventflow.entrypoints.web.openapi import operation, path_id
from eventflow.entrypoints.web.schema import Json, doc

#: A page of a stored file never changes: browsers may keep it (it is private to the team).
PAGE_CACHE = ("private", "max-age=604800", "immutable")


@frozen
class SettingsChanges:
    """``PATCH /api/settings``: only the settings given change."""

    second_pair_of_eyes: bool = field(
        default=UNSET, metadata=doc(description="whoever uploaded a slot's current version may not approve it")
    )


class SettingsResource:
    def __init__(self, services: Services) -> None:
        self._review = services.review

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = presenters.TeamSettings.json(self._review.settings())

    def on_patch(self, req: falcon.Request, resp: falcon.Response) -> None:
        change = SettingsChange(**read_changes(req, SettingsChanges))
        resp.media = presenters.TeamSettings.json(self._review.change_settings(req.context.user, change))


class PageResource:
    """``GET /api/assets/{id}/pages/{number}``: one page of a PDF version as a WebP image."""

    def __init__(self, services: Services) -> None:
        self._review = services.review
        self._assets = services.assets

    def on_get(self, req: falcon.Request, resp: falcon.Response, asset_id: int, number: int) -> None:
        etag = f"{self._assets.asset(asset_id).sha256[:32]}-{number}-{PAGE_EDGE}"
        resp.etag = etag
        resp.cache_control = list(PAGE_CACHE)
        if req.if_none_match and etag in req.if_none_match:
            resp.status = falcon.HTTP_304
            return
        image = self._review.page(asset_id, number)
        resp.content_type = image.content_type
        resp.data = image.data


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    app.add_route("/api/settings", SettingsResource(services))
    app.add_route("/api/assets/{asset_id:id}/pages/{number:int(min=1,max=100000)}", PageResource(services))


def _page_operation() -> Json:
    summary = "One page of a PDF version as an image (to compare versions page by page)"
    number = {
        "name": "number",
        "in": "path",
        "required": True,
        "description": "the page, from 1",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100000},
    }
    op = operation(
        summary, "files", None, params=[path_id("asset_id"), number], errors=(404, 409, 415, 422),
        operation_id="getAssetPage",
    )  # fmt: skip
    op["responses"]["200"] = {
        "description": summary,
        "content": {"image/webp": {"schema": {"type": "string", "format": "binary"}}},
    }
    op["responses"]["304"] = {"description": "Unchanged since If-None-Match"}
    return op


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/settings": {
            "get": operation("The team's settings", "settings", presenters.TeamSettings, operation_id="getSettings"),
            "patch": operation(
                "Change the team's settings (admins; only the fields given)",
                "settings",
                presenters.TeamSettings,
                body=SettingsChanges,
                operation_id="updateSettings",
            ),
        },
        "/api/assets/{asset_id}/pages/{number}": {"get": _page_operation()},
    }
}
