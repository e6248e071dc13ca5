"""Collaboration over HTTP: the audit log (admins; JSON or CSV), the outbox (admins), editing and deleting comments."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

import falcon
from attrs import field, frozen

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.services.audit import MAX_ROWS, AuditEntry, AuditQuery
from eventflow.core.services.comments import MAX_COMMENT
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_body
from eventflow.entrypoints.web.openapi import many, operation, path_id, query
from eventflow.entrypoints.web.params import int_param, period
from eventflow.entrypoints.web.schema import (
    ID,
    STR,
    Json,
    doc,
)


@frozen
class CommentEdit:
    text: str = field(metadata=doc(minLength=1, maxLength=MAX_COMMENT))


def audit_query(req: falcon.Request, limit: int = 500) -> AuditQuery:
    """The search the query string asks for; ``limit`` when it does not say how many (500; the CSV: all)."""
    start, end = period(req)
    return AuditQuery(
        person=req.get_param("person") or None,
        entity_type=req.get_param("entity_type") or None,
        entity_id=int_param(req, "entity_id"),
        action=req.get_param("action") or None,
        event_id=int_param(req, "event_id"),
        start=start,
        end=end,
        limit=int_param(req, "limit", 1, MAX_ROWS) or limit,
        offset=int_param(req, "offset", 0) or 0,
    )


def flag_param(req: falcon.Request, name: str) -> bool:
    value = (req.get_param(name) or "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise errors.InvalidInput("%(name)s must be true or false, not %(value)r", name, name=name, value=value)
    return value in ("true", "1")


class AuditResource:
    """``/api/audit`` (JSON) and ``/api/audit.csv`` (a spreadsheet download) over the same filters."""

    def __init__(self, services: Services) -> None:
        self._audit = services.audit

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.AuditEntry.json(e) for e in self._audit.search(req.context.user, audit_query(req))]

    def on_get_csv(self, req: falcon.Request, resp: falcon.Response) -> None:
        entries = self._audit.search(req.context.user, audit_query(req, limit=MAX_ROWS))
        out = io.StringIO()
        csv.writer(out).writerows(csv_rows(entries))
        resp.content_type = "text/csv; charset=utf-8"
        resp.downloadable_as = "eventflow-audit.csv"
        resp.text = "\ufeff" + out.getvalue()  # the BOM makes spreadsheets read the accents as UTF-8


class OutboxResource:
    def __init__(self, services: Services) -> None:
        self._outbox = services.outbox

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        failing = flag_param(req, "failed")
        resp.media = [
            presenters.OutboxMessage.json(m) for m in self._outbox.list(req.context.user, failing_only=failing)
        ]

    def on_post_retry(self, req: falcon.Request, resp: falcon.Response, message_id: int) -> None:
        resp.media = presenters.OutboxMessage.json(self._outbox.retry(req.context.user, message_id))


class CommentResource:
    def __init__(self, services: Services) -> None:
        self._comments = services.comments

    def on_patch(self, req: falcon.Request, resp: falcon.Response, comment_id: int) -> None:
        body = read_body(req, CommentEdit)
        resp.media = presenters.Comment.json(self._comments.edit(req.context.user, comment_id, body.text))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, comment_id: int) -> None:
        resp.media = presenters.Comment.json(self._comments.delete(req.context.user, comment_id))


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    audit = AuditResource(services)
    app.add_route("/api/audit", audit)
    app.add_route("/api/audit.csv", audit, suffix="csv")
    outbox = OutboxResource(services)
    app.add_route("/api/outbox", outbox)
    app.add_route("/api/outbox/{message_id:id}/retry", outbox, suffix="retry")
    app.add_route("/api/comments/{comment_id:id}", CommentResource(services))


# -- OpenAPI -----------------------------------------------------------------
DAY: Json = {"type": "string", "format": "date"}
AUDIT_PARAMS = [
    query("person", STR, "who acted: a user id, e-mail or name"),
    query("entity_type", STR, "event, deliverable, comment, user, bar, theme, template, asset…"),
    query("entity_id", ID, "one entity of that type"),
    query("action", STR, "an action (event.deleted), or a prefix ending with a dot (comment.)"),
    query("event_id", ID, "what happened on one event"),
    query("from", DAY, "first day, in the team's time zone"),
    query("to", DAY, "last day, included"),
    query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_ROWS}, "at most this many entries (500; CSV: all)"),
    query("offset", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}, "skip this many entries (the next page)"),
]

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/audit": {
            "get": operation(
                "The audit log, newest first: who did what, when, before -> after (admin)",
                "audit",
                many(presenters.AuditEntry),
                params=AUDIT_PARAMS,
                errors=(403, 422),
                operation_id="searchAudit",
            ),
        },
        "/api/audit.csv": {
            "get": {
                **operation(
                    "The same search as a CSV download (admin)",
                    "audit",
                    None,
                    params=AUDIT_PARAMS,
                    errors=(403, 422),
                    operation_id="exportAudit",
                ),
                "responses": {
                    "200": {
                        "description": "CSV with a header row, UTF-8 with a BOM",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **{code: {"$ref": f"#/components/responses/E{code}"} for code in ("401", "403", "422")},
                },
            },
        },
        "/api/outbox": {
            "get": operation(
                "Queued, sent and failing e-mails, newest first (admin)",
                "outbox",
                many(presenters.OutboxMessage),
                params=[query("failed", {"type": "boolean"}, "only messages not sent that met an error")],
                errors=(403, 422),
                operation_id="listOutbox",
            ),
        },
        "/api/outbox/{message_id}/retry": {
            "post": operation(
                "Queue again a message that was given up on (admin)",
                "outbox",
                presenters.OutboxMessage,
                params=[path_id("message_id")],
                errors=(403, 404, 409),
                operation_id="retryOutboxMessage",
            ),
        },
        "/api/comments/{comment_id}": {
            "patch": operation(
                "Rewrite your own comment (people newly @mentioned are told)",
                "comments",
                presenters.Comment,
                params=[path_id("comment_id")],
                body=CommentEdit,
                errors=(404,),
                operation_id="editComment",
            ),
            "delete": operation(
                "Delete your own comment (an admin may delete any); a trace stays in the thread",
                "comments",
                presenters.Comment,
                params=[path_id("comment_id")],
                errors=(403, 404),
                operation_id="deleteComment",
            ),
        },
    },
}


# -- the CSV export ----------------------------------------------------------------------------------------------
CSV_HEADER = ["at", "actor_id", "actor", "action", "entity_type", "entity_id", "event_id", "before", "after"]
#: A spreadsheet runs a cell starting with these as a formula: such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(entries: Iterable[AuditEntry]) -> list[list[str]]:
    """The CSV export: a header, then one row per entry; before/after as JSON; formula-looking cells defused."""
    rows = [CSV_HEADER]
    for item in entries:
        a = item.entry
        actor = f"{item.actor.name} <{item.actor.email}>" if item.actor else "command line"
        cells = [a.at.isoformat(), a.actor_id, actor, a.action, a.entity_type, a.entity_id, a.event_id,
                 _json(a.before), _json(a.after)]  # fmt: skip
        rows.append([safe_cell(cell) for cell in cells])
    return rows


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
