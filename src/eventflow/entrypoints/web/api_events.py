"""Events API: the calendar list, the event card, editing, deliverable slots, comments, activity, queue, matrix."""

from __future__ import annotations

from typing import Any

import falcon
from attrs import asdict, frozen

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Health
from eventflow.core.services.events import parse_date
from eventflow.entrypoints.web.bodies import read_body
from eventflow.entrypoints.web.openapi import body_schema, operation, path_id, query
from eventflow.entrypoints.web.views import DATE, ID, STR, array_of, card_json, ref, summary_json


def _date_param(req: falcon.Request, name: str) -> Any:
    value = req.get_param(name)
    return parse_date(value, name) if value is not None else None


def _health_param(req: falcon.Request) -> Health | None:
    value = req.get_param("health")
    if value is None:
        return None
    try:
        return Health(value)
    except ValueError:
        raise errors.InvalidInput(
            f"health must be one of {', '.join(h.value for h in Health)}, not {value!r}", "health"
        ) from None


def _bar_param(req: falcon.Request) -> int | None:
    value = req.get_param("bar")
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) < 2**31:
        raise errors.InvalidInput(f"bar must be a bar id, not {value!r}", "bar")
    return int(value)


@frozen
class EventCreate:
    name: str
    date: str
    bar_ids: list[int]
    description: str = ""
    brief: str = ""
    notes: str = ""
    theme_override: str | None = None


class EventsResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        start, end = _date_param(req, "from"), _date_param(req, "to")
        if start and end and end < start:
            raise errors.InvalidInput("to must not be before from", "to")
        summaries = self._events.calendar(start, end, _bar_param(req), _health_param(req))
        resp.media = [summary_json(s) for s in summaries]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, EventCreate)
        card = self._events.create(req.context.user, **asdict(body, recurse=False))
        resp.status = falcon.HTTP_201
        resp.location = f"/api/events/{card.summary.event.id}"
        resp.media = card_json(card)


class EventResource:
    def __init__(self, services: Services) -> None:
        self._events = services.events

    def on_get(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        resp.media = card_json(self._events.card(event_id))


def register(app: falcon.App, services: Services) -> None:
    app.add_route("/api/events", EventsResource(services))
    app.add_route("/api/events/{event_id:id}", EventResource(services))


_EVENT_CREATE = body_schema(
    ["name", "date", "bar_ids"],
    name=STR,
    date=DATE,
    bar_ids={"type": "array", "items": ID, "minItems": 1},
    description=STR,
    brief={"type": "string", "description": "rich text (HTML, sanitised)"},
    notes={"type": "string", "description": "rich text (HTML, sanitised)"},
    theme_override={"type": "string", "nullable": True},
)

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/events": {
            "get": operation(
                "Events of a period, for the calendar",
                "events",
                array_of("EventSummary"),
                params=[
                    query("from", DATE, "first day (YYYY-MM-DD)"),
                    query("to", DATE, "last day (YYYY-MM-DD), included"),
                    query("bar", ID, "only events at this bar"),
                    query("health", {"type": "string", "enum": ["green", "orange", "red", "none"]}, "only this health"),
                ],
                errors=(422,),
                operation_id="listEvents",
            ),
            "post": operation(
                "Create an event (its deliverable slots are generated)",
                "events",
                ref("EventCard"),
                status=201,
                body=_EVENT_CREATE,
                errors=(404,),
                operation_id="createEvent",
            ),
        },
        "/api/events/{event_id}": {
            "get": operation(
                "The event card",
                "events",
                ref("EventCard"),
                params=[path_id("event_id")],
                errors=(404,),
                operation_id="getEvent",
            ),
        },
    }
}
