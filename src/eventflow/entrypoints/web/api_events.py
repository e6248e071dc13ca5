"""Events API: the calendar list, the event card, editing, deliverable slots, comments, activity, queue, matrix."""

from __future__ import annotations

from typing import Any

import falcon
from attrs import asdict, field, frozen

from eventflow.bootstrap import Services
from eventflow.core import errors, model
from eventflow.core.commands import UNSET, EventChanges
from eventflow.core.model import Health, Status
from eventflow.core.services.comments import MAX_COMMENT
from eventflow.core.services.events import SlotChange, SlotView
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_body, read_changes
from eventflow.entrypoints.web.openapi import follow, many, operation, path_id, query
from eventflow.entrypoints.web.params import enum_param, flag_param, int_param, month_param, period, text_param
from eventflow.entrypoints.web.schema import (
    DATE,
    ID,
    MONTH,
    Json,
    doc,
)

ACTIVITY_LIMIT = 200


#: OpenAPI keywords of an id in a request body, of a name, and of rich text.
ID_DOC = doc(minimum=1, maximum=2**31 - 1)
NAME_DOC = doc(minLength=1, maxLength=200, pattern=r"\S")
RICH_DOC = doc(description="rich text (HTML, sanitised)")


@frozen
class EventCreate:
    name: str = field(metadata=NAME_DOC)
    date: str = field(metadata=doc(format="date"))
    bar_ids: list[int] = field(metadata=doc(minItems=1, items=ID))
    description: str = ""
    brief: str = field(default="", metadata=RICH_DOC)
    notes: str = field(default="", metadata=RICH_DOC)
    theme_override: str | None = None


@frozen
class EventCopy:
    """``POST /api/events/{id}/duplicate``: the date of the copy."""

    date: str = field(metadata=doc(format="date", description="the copy's night, YYYY-MM-DD"))


@frozen
class SlotCreate:
    name: str = field(metadata=NAME_DOC)
    specs: str = ""
    bar_id: int | None = field(default=None, metadata=ID_DOC)
    assignee_id: int | None = field(default=None, metadata=ID_DOC)


@frozen
class SlotChanges:
    """``PATCH /api/deliverables/{id}``: only the fields given change."""

    status: str = field(default=UNSET, metadata=doc(enum=[s.value for s in Status]))
    reason: str = field(
        default=UNSET,
        metadata=doc(
            pattern=r"\S",
            maxLength=MAX_COMMENT,
            description="why changes are requested: required with changes_requested, refused with any other "
            "status; it becomes a comment anchored to the current version",
        ),
    )
    assignee_id: int | None = field(default=UNSET, metadata=ID_DOC)
    enabled: bool = UNSET
    specs: str = UNSET
    name: str = field(default=UNSET, metadata=NAME_DOC)
    current_version: int = field(
        default=UNSET,
        metadata=doc(
            minimum=1,
            maximum=2**31 - 1,
            description="the version to put under review and on the screens; the others stay, set aside "
            "(404 for a version the slot does not have)",
        ),
    )


@frozen
class AnchorBody:
    """Where a comment points in its deliverable's versions: ``version``, plus at most one of ``page``, ``time`` and
    ``region``."""

    version: int = field(metadata=doc(minimum=1, maximum=2**31 - 1))
    page: int | None = field(default=None, metadata=doc(minimum=1, description="a page of the PDF, from 1"))
    time: float | None = field(default=None, metadata=doc(minimum=0, description="seconds into the video"))
    region: list[float] | None = field(
        default=None,
        metadata=doc(
            minItems=4,
            maxItems=4,
            description="[x, y, width, height] in fractions (0 to 1) of the preview; a pin has no size",
        ),
    )

    def to_anchor(self) -> model.Anchor:
        if self.region is None:
            return model.Anchor(self.version, self.page, self.time)
        if len(self.region) != 4:
            raise errors.InvalidInput("a region is four numbers: [x, y, width, height]", "anchor")
        x, y, w, h = self.region
        return model.Anchor(self.version, self.page, self.time, (x, y, w, h))


@frozen
class CommentCreate:
    text: str = field(
        metadata=doc(
            minLength=1, maxLength=MAX_COMMENT, pattern=r"\S", description="rich text (HTML, sanitised); @name mentions"
        )
    )
    parent_id: int | None = field(default=None, metadata=ID_DOC)
    deliverable_id: int | None = field(default=None, metadata=ID_DOC)
    anchor: AnchorBody | None = field(
        default=None, metadata=doc(description="what in the deliverable's versions it is about (needs deliverable_id)")
    )


def expected_versions(req: falcon.Request, slot_id: int) -> frozenset[int] | None:
    """The slot's row versions ``If-Match`` accepts; None without one (or with ``*``). A weak tag, or one that is not
    this slot's, matches no version (strong comparison, RFC 9110)."""
    if req.if_match is None or "*" in req.if_match:
        return None
    prefix = f"{slot_id}-"
    tags = (tag for tag in req.if_match if isinstance(tag, falcon.ETag) and not tag.is_weak)
    versions = (tag.removeprefix(prefix) for tag in tags if tag.startswith(prefix))
    return frozenset(int(v) for v in versions if v.isascii() and v.isdecimal())


def send_slot(resp: falcon.Response, view: SlotView) -> None:
    resp.etag = presenters.slot_etag(view.slot)
    resp.media = presenters.Deliverable.json(view)


class EventsResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        start, end = period(req)
        bar, health = int_param(req, "bar"), enum_param(req, "health", Health)
        name, with_cancelled = text_param(req, "q"), flag_param(req, "cancelled")
        summaries = self._events.calendar(
            start, end, bar, health, req.context.get("revision"), name=name, with_cancelled=with_cancelled
        )
        resp.media = [presenters.EventSummary.json(s) for s in summaries]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, EventCreate)
        card = self._events.create(req.context.user, **asdict(body, recurse=False))
        resp.status = falcon.HTTP_201
        resp.location = f"/api/events/{card.summary.event.id}"
        resp.media = presenters.EventCard.json(card)


class EventResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events
        self._storage = services.storage

    def on_get(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        card = self._events.card(event_id, revision=req.context.get("revision"))
        resp.media = presenters.EventCard.json(card)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        change = read_body(req, EventChanges)
        resp.media = presenters.EventCard.json(self._events.update(req.context.user, event_id, change))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        self._events.delete(req.context.user, event_id, files=self._storage)
        resp.status = falcon.HTTP_204


class DuplicateResource:
    """``POST /api/events/{id}/duplicate``: the same night on another date."""

    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_post(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        body = read_body(req, EventCopy)
        card = self._events.duplicate(req.context.user, event_id, body.date)
        resp.status = falcon.HTTP_201
        resp.location = f"/api/events/{card.summary.event.id}"
        resp.media = presenters.EventCard.json(card)


class SlotsResource:
    """``POST /api/events/{id}/deliverables``: a custom slot; ``PATCH /api/deliverables/{id}``: edit one."""

    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_post(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        body = read_body(req, SlotCreate)
        slot = self._events.add_slot(req.context.user, event_id, **asdict(body, recurse=False))
        resp.status = falcon.HTTP_201
        send_slot(resp, self._events.slot(slot.id or 0))

    def on_get_one(self, req: falcon.Request, resp: falcon.Response, slot_id: int) -> None:
        send_slot(resp, self._events.slot(slot_id))

    def on_patch_one(self, req: falcon.Request, resp: falcon.Response, slot_id: int) -> None:
        change = SlotChange(**read_changes(req, SlotChanges))
        self._events.update_slot(req.context.user, slot_id, change, expected_versions(req, slot_id))
        send_slot(resp, self._events.slot(slot_id))


class CommentsResource:
    def __init__(self, services: Services) -> None:
        self._comments = services.comments

    def on_get(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        resp.media = [presenters.Comment.json(c) for c in self._comments.list(event_id)]

    def on_post(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        body = read_body(req, CommentCreate)
        anchor = body.anchor.to_anchor() if body.anchor else None
        comment = self._comments.add(req.context.user, event_id, body.text, body.parent_id, body.deliverable_id, anchor)
        resp.status = falcon.HTTP_201
        resp.media = presenters.Comment.json(comment)


class ActivityResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        limit = int_param(req, "limit", high=1000) or ACTIVITY_LIMIT
        card = self._events.card(event_id, activity_limit=limit, revision=req.context.get("revision"))
        resp.media = [presenters.Activity.json(a) for a in card.activity]


class ReviewQueueResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        queue = self._events.review_queue(req.context.get("revision"))
        resp.media = [presenters.ReviewItem.json(item) for item in queue]


class MatrixResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        year, month = month_param(req)
        resp.media = presenters.Matrix.json((f"{year:04d}-{month:02d}", self._events.matrix(year, month)))


class ComplianceResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        start, end = period(req)
        if start is None or end is None:
            raise errors.InvalidInput("give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD", "to" if start else "from")
        resp.media = presenters.ComplianceReport.json(self._events.compliance(start, end))


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    slots = SlotsResource(services)
    app.add_route("/api/events", EventsResource(services))
    app.add_route("/api/events/{event_id:id}", EventResource(services))
    app.add_route("/api/events/{event_id:id}/duplicate", DuplicateResource(services))
    app.add_route("/api/events/{event_id:id}/deliverables", slots)
    app.add_route("/api/deliverables/{slot_id:id}", slots, suffix="one")
    app.add_route("/api/events/{event_id:id}/comments", CommentsResource(services))
    app.add_route("/api/events/{event_id:id}/activity", ActivityResource(services))
    app.add_route("/api/review-queue", ReviewQueueResource(services))
    app.add_route("/api/matrix", MatrixResource(services))
    app.add_route("/api/compliance", ComplianceResource(services))


# -- OpenAPI -----------------------------------------------------------------
_EVENT = [path_id("event_id")]
_SLOT = path_id("slot_id", "deliverable id")
_SLOT_ETAG: Json = {
    "ETag": {
        "description": "the slot's entity tag: changes with every change saved to the slot (a new version included)",
        "required": True,
        "schema": {"type": "string"},
    }
}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/events": {
            "get": operation(
                "Events of a period, for the calendar (by date)",
                "events",
                many(presenters.EventSummary),
                params=[
                    query("from", DATE, "first day (YYYY-MM-DD)"),
                    query("to", DATE, "last day (YYYY-MM-DD), included"),
                    query("bar", ID, "only events at this bar"),
                    query("health", {"type": "string", "enum": ["green", "orange", "red", "none"]}, "only this health"),
                    query(
                        "q",
                        {"type": "string", "maxLength": 200},
                        "only nights whose name contains this text, case and accents ignored (every month when "
                        "no period is given)",
                    ),
                    query(
                        "cancelled",
                        {"type": "string", "enum": ["1", "0", "true", "false"]},
                        "1: cancelled nights too (left out by default)",
                    ),
                ],
                errors=(422,),
                operation_id="listEvents",
            ),
            "post": operation(
                "Create an event; its deliverable slots are generated from the templates and the bars' hardware",
                "events",
                presenters.EventCard,
                status=201,
                body=EventCreate,
                errors=(404,),
                operation_id="createEvent",
                links=follow(
                    "getEvent",
                    "updateEvent",
                    "deleteEvent",
                    "addDeliverable",
                    "listComments",
                    "addComment",
                    "listActivity",
                    param="event_id",
                ),
            ),
        },
        "/api/events/{event_id}": {
            "get": operation(
                "The event card", "events", presenters.EventCard, params=_EVENT, errors=(404,), operation_id="getEvent"
            ),
            "patch": operation(
                "Edit an event (a removed bar has its slots disabled, an added bar gets its slots); a new date moves "
                "the night with its due dates and J-7; cancelled true cancels it (kept, hidden from the calendar), "
                "false restores it",
                "events",
                presenters.EventCard,
                params=_EVENT,
                body=EventChanges,
                errors=(404,),
                operation_id="updateEvent",
            ),
            "delete": operation(
                "Delete a night for good (admins only; recorded in the audit log) with its slots, comments and "
                "files: each file is purged from the stores first, then the night; a crash halfway leaves the "
                "night in place and deleting it again finishes",
                "events",
                None,
                status=204,
                params=_EVENT,
                errors=(403, 404, 409),
                operation_id="deleteEvent",
            ),
        },
        "/api/events/{event_id}/duplicate": {
            "post": operation(
                "Copy a night to another date: same bars, brief and slots (specs, assignees), statuses to do, no files",
                "events",
                presenters.EventCard,
                status=201,
                params=_EVENT,
                body=EventCopy,
                errors=(404,),
                operation_id="duplicateEvent",
                links=follow("getEvent", "updateEvent", "deleteEvent", param="event_id"),
            ),
        },
        "/api/events/{event_id}/deliverables": {
            "post": operation(
                "Add a custom deliverable slot",
                "deliverables",
                presenters.Deliverable,
                status=201,
                params=_EVENT,
                body=SlotCreate,
                errors=(403, 404),
                operation_id="addDeliverable",
                headers=_SLOT_ETAG,
                links=follow("getDeliverable", "updateDeliverable", param="slot_id"),
            ),
        },
        "/api/deliverables/{slot_id}": {
            "get": operation(
                "One slot as the card shows it, with its ETag",
                "deliverables",
                presenters.Deliverable,
                params=[_SLOT],
                errors=(404,),
                operation_id="getDeliverable",
                headers=_SLOT_ETAG,
            ),
            "patch": operation(
                "Change a slot's status, assignee, enabled flag, specs, name or current version (only the fields "
                "given); changes_requested needs a reason; with If-Match, only if the slot is still as it was read. "
                "An approval records who approved which version; when the team requires a second pair of eyes, "
                "whoever uploaded the current version cannot approve it (403)",
                "deliverables",
                presenters.Deliverable,
                params=[
                    _SLOT,
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": False,
                        "description": "the slot's ETag as it was read (GET, the card's `etag`, or a previous PATCH): "
                        "if someone changed the slot since, nothing is changed and the answer is 412",
                        "schema": {"type": "string"},
                    },
                ],
                body=SlotChanges,
                errors=(403, 404, 412),
                operation_id="updateDeliverable",
                headers=_SLOT_ETAG,
            ),
        },
        "/api/events/{event_id}/comments": {
            "get": operation(
                "An event's comments, oldest first",
                "comments",
                many(presenters.Comment),
                params=_EVENT,
                errors=(404,),
                operation_id="listComments",
            ),
            "post": operation(
                "Comment on an event (optionally replying, or about one slot and anchored to one of its versions: a "
                "page, a moment, a region); @name mentions",
                "comments",
                presenters.Comment,
                status=201,
                params=_EVENT,
                body=CommentCreate,
                errors=(403, 404),
                operation_id="addComment",
            ),
        },
        "/api/events/{event_id}/activity": {
            "get": operation(
                "What happened to an event, newest first",
                "events",
                many(presenters.Activity),
                params=[*_EVENT, query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "at most")],
                errors=(404, 422),
                operation_id="listActivity",
            ),
        },
        "/api/review-queue": {
            "get": operation(
                "Slots waiting for review, the one waiting longest first, with the remarks on their current version",
                "deliverables",
                many(presenters.ReviewItem),
                operation_id="reviewQueue",
            ),
        },
        "/api/matrix": {
            "get": operation(
                "Production matrix of a month: rows are events, columns asset types, cells the slots",
                "events",
                presenters.Matrix,
                params=[
                    {
                        "name": "month",
                        "in": "query",
                        "required": True,
                        "description": "YYYY-MM",
                        "schema": MONTH,
                    }
                ],
                errors=(422,),
                operation_id="matrix",
            ),
        },
        "/api/compliance": {
            "get": operation(
                "J-7 compliance (share of slots approved by their due date) per month, bar, type and assignee "
                "(the dashboard's figures are GET /api/stats)",
                "events",
                presenters.ComplianceReport,
                params=[
                    {**query("from", DATE, "first day"), "required": True},
                    {**query("to", DATE, "last day, included"), "required": True},
                ],
                errors=(422,),
                operation_id="compliance",
            ),
        },
    },
}
