"""The caller's own notifications: follow or unfollow a night, read the in-app inbox, mark lines read; and "Mes
livrables", the caller's slots to deliver (the ``/my-deliverables`` page as JSON)."""

from __future__ import annotations

from typing import Any

import falcon
from attrs import field, frozen

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.commands import UNSET
from eventflow.core.i18n import N_, Message
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_body
from eventflow.entrypoints.web.openapi import many, operation, path_id
from eventflow.entrypoints.web.schema import doc

MARK_HOW = Message(N_('send {"ids": [1, 2]} to mark those notifications read, or {"all": true} to mark them all'), {})


@frozen
class MarkRead:
    """Which notifications to mark read: ``ids`` (of the caller's), or ``all``."""

    ids: list[int] = field(
        default=UNSET, metadata=doc(minItems=1, items={"type": "integer", "minimum": 1}, description="these ones")
    )
    all: bool = field(default=UNSET, metadata=doc(enum=[True], description="every one of the caller's"))


class FollowResource:
    def __init__(self, services: Services) -> None:
        self._inbox = services.inbox

    def on_post(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        resp.media = presenters.FollowState.json(self._inbox.follow(req.context.user, event_id))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        resp.media = presenters.FollowState.json(self._inbox.follow(req.context.user, event_id, following=False))


class NotificationsResource:
    def __init__(self, services: Services) -> None:
        self._inbox = services.inbox

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.Notification.json(line) for line in self._inbox.notifications(req.context.user)]

    def on_post_read(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, MarkRead)  # a key given as null is refused (422), like a value of the wrong type
        ids = None if body.ids is UNSET else body.ids
        every = None if body.all is UNSET else body.all
        if ids is not None and every is not None:
            raise errors.InvalidInput("give ids or all, not both: %(how)s", "ids", how=MARK_HOW)
        if every is not None and every is not True:
            raise errors.InvalidInput("all must be true: %(how)s", "all", how=MARK_HOW)
        if ids is not None and not ids:
            raise errors.InvalidInput("ids lists no notification: %(how)s", "ids", how=MARK_HOW)
        if ids is None and every is None:
            raise errors.InvalidInput("nothing to mark: %(how)s", "ids", how=MARK_HOW)
        if any(i < 1 for i in ids or ()):
            raise errors.InvalidInput("ids must be positive notification ids", "ids")
        marked = self._inbox.mark_read(req.context.user, ids)
        resp.media = presenters.NotificationsRead.json((marked, self._inbox.unread(req.context.user)))


class MyDeliverablesResource:
    def __init__(self, services: Services) -> None:
        self._inbox = services.inbox

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.MyDeliverable.json(mine) for mine in self._inbox.my_deliverables(req.context.user)]


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    app.add_route("/api/events/{event_id:id}/follow", FollowResource(services))
    notifications = NotificationsResource(services)
    app.add_route("/api/notifications", notifications)
    app.add_route("/api/notifications/read", notifications, suffix="read")
    app.add_route("/api/my-deliverables", MyDeliverablesResource(services))


_EVENT = [path_id("event_id", "the night")]
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/events/{event_id}/follow": {
            "post": operation(
                "Follow a night: hear of its new versions, reviews and comments", "notifications",
                presenters.FollowState, params=_EVENT, errors=(403, 404), operation_id="followEvent",
            ),
            "delete": operation(
                "Stop following a night (kept, even for its creator, assignees, uploaders and commenters)",
                "notifications", presenters.FollowState, params=_EVENT, errors=(403, 404),
                operation_id="unfollowEvent",
            ),
        },
        "/api/notifications": {
            "get": operation(
                "The caller's in-app notifications, newest first", "notifications",
                many(presenters.Notification), operation_id="listNotifications",
            ),
        },
        "/api/notifications/read": {
            "post": operation(
                'Mark notifications read: {"ids": [...]} or {"all": true}', "notifications",
                presenters.NotificationsRead, body=MarkRead, operation_id="markNotificationsRead",
            ),
        },
        "/api/my-deliverables": {
            "get": operation(
                "The caller's slots not approved yet on the nights to come: late ones first, then by due date (J-7)",
                "notifications", many(presenters.MyDeliverable), operation_id="listMyDeliverables",
            ),
        },
    }
}  # fmt: skip
