"""``/admin/audit``: the audit log for admins ("who deleted what"), its CSV export in words (``/admin/audit.csv``),
and the e-mails that failed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

import falcon
from markupsafe import Markup

from eventflow.core import errors
from eventflow.core.i18n import N_, render
from eventflow.core.services.audit import MAX_ROWS, AuditQuery
from eventflow.core.services.events import parse_date
from eventflow.entrypoints.web.api_audit import safe_cell
from eventflow.entrypoints.web.errors import reader_language, texts_for
from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_admin
from eventflow.entrypoints.web.params import int_param

#: Entries per page (read from the database a page at a time); the CSV export (same filters) has them all.
PAGE_ROWS = 50
FILTERS = ("person", "entity_type", "action", "from", "to")
ENTITY_TYPES = (
    "event", "deliverable", "asset", "comment", "user", "token", "bar", "theme", "template", "storage", "outbox",
    "webhook", "settings",
)  # fmt: skip
ACTIONS = (
    "event.created", "event.updated", "event.deleted", "event.archived", "event.restored",
    "slot.created", "slot.updated", "asset.version_added", "asset.photo_added",
    "comment.added", "comment.edited", "comment.deleted", "storage.purged", "storage.alert",
    "user.created", "user.updated", "user.password_set", "token.created", "token.revoked", "bar.created", "bar.updated",
    "theme.created", "theme.updated", "template.created", "template.updated", "outbox.retried", "settings.updated",
    "webhook.created", "webhook.deleted",
)  # fmt: skip


def chosen_filters(req: falcon.Request) -> dict[str, str]:
    """The filled-in filters of the search form (a blank field means "any")."""
    return {name: value.strip() for name in FILTERS if (value := req.get_param(name) or "").strip()}


def audit_query(filters: dict[str, str], limit: int, offset: int = 0) -> AuditQuery:
    start = parse_date(filters["from"], "from") if "from" in filters else None
    end = parse_date(filters["to"], "to") if "to" in filters else None
    return AuditQuery(
        person=filters.get("person"),
        entity_type=filters.get("entity_type"),
        action=filters.get("action"),
        start=start,
        end=end,
        limit=limit,
        offset=offset,
    )


class AuditPage(Page):
    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        admin = current_admin(req)
        filters = chosen_filters(req)
        page = int_param(req, "page") or 1
        problem = None  # a filter that makes no sense is said above the filters, which stay as they were typed
        try:
            found = self.services.audit.search(admin, audit_query(filters, PAGE_ROWS + 1, (page - 1) * PAGE_ROWS))
        except errors.InvalidInput as refused:
            found, problem = [], render(refused.message, texts_for(req))
        entries = found[:PAGE_ROWS]
        query = urlencode(filters)
        self.renderer.page(
            req,
            resp,
            "admin_audit.html",
            section="audit",
            entries=entries,
            names=self.services.audit.names(admin, entries),
            page=page,
            first_row=(page - 1) * PAGE_ROWS + 1,
            previous_url=_page_url(filters, page - 1) if page > 1 else None,
            next_url=_page_url(filters, page + 1) if len(found) > PAGE_ROWS else None,
            filters=filters,
            problem=problem,
            day=_day,
            csv_url="/admin/audit.csv" + (f"?{query}" if query else ""),
            users=self.services.users.list(),
            entity_types=ENTITY_TYPES,
            actions=ACTIONS,
            failed_mail=self.services.outbox.list(admin, failing_only=True, limit=50),
        )
        if problem:
            resp.status = falcon.HTTP_422


def _page_url(filters: dict[str, str], page: int) -> str:
    return "/admin/audit?" + urlencode({**filters, "page": page} if page > 1 else filters)


def _day(text: str) -> dt.date | str:
    """A date the log kept as ISO text, to be shown in the reader's words (left as it is when it is not one)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


class AuditCsv(Page):
    """``/admin/audit.csv``: the entries the audit page's filters find, all of them, as the page words them (names,
    titles, readable values, the reader's language) for a spreadsheet. Scripts read ``/api/audit.csv``'s raw one."""

    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        admin = current_admin(req)
        entries = self.services.audit.search(admin, audit_query(chosen_filters(req), MAX_ROWS))
        env = self.renderer.envs[reader_language(req).value]
        # the page's own macros word each entry: a template module's macros are attributes mypy cannot see
        words: Any = env.get_template("admin_audit_values.html").make_module({"day": _day})
        labels: Any = env.get_template("macros.html").make_module()
        names = self.services.audit.names(admin, entries)
        texts: Any = env.globals
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([texts["_"](title) for title in CSV_TITLES])
        for item in entries:
            a = item.entry
            who = item.actor.name if item.actor else texts["_"]("System")
            night = names.nights.get(a.event_id, "") if a.event_id else ""
            cells = [texts["fmt_when"](a.at, "yyyy-MM-dd HH:mm"), who, _text(labels.audit_label(a)),
                     _text(words.subject(a, names)), night, _text(words.changes(a, names, plain=True))]  # fmt: skip
            writer.writerow([safe_cell(cell) for cell in cells])
        resp.content_type = "text/csv; charset=utf-8"
        resp.cache_control = ["private", "no-cache"]
        resp.downloadable_as = "eventflow-audit.csv"
        resp.text = "\ufeff" + out.getvalue()  # the BOM makes spreadsheets read the accents as UTF-8


#: The columns of the readable export, as the page names them.
CSV_TITLES = (N_("When"), N_("Who"), N_("What"), N_("About"), N_("Event"), N_("Before → after"))


def _text(html: str) -> str:
    """A macro's words without their tags and entities, on one line."""
    return Markup(html).striptags()
