"""The installable app: the web manifest and the service worker, served from the root so its scope is ``/``."""

from __future__ import annotations

import falcon

from eventflow.entrypoints.web.pages.render import STATIC_DIR


class StaticFile:
    auth_required = False

    def __init__(self, name: str, content_type: str) -> None:
        self._body = (STATIC_DIR / name).read_bytes()
        self._content_type = content_type

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = self._content_type
        resp.cache_control = ["no-cache"]
        resp.data = self._body
