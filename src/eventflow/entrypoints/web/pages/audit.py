"""``/admin/audit``: the audit log for admins ("who deleted what"), its CSV export, and the e-mails that failed."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import falcon

from eventflow.core.services.audit import AuditQuery
from eventflow.core.services.events import parse_date
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
        found = self.services.audit.search(admin, audit_query(filters, PAGE_ROWS + 1, (page - 1) * PAGE_ROWS))
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
            day=_day,
            csv_url="/api/audit.csv" + (f"?{query}" if query else ""),
            users=self.services.users.list(),
            entity_types=ENTITY_TYPES,
            actions=ACTIONS,
            failed_mail=self.services.outbox.list(admin, failing_only=True, limit=50),
        )


def _page_url(filters: dict[str, str], page: int) -> str:
    return "/admin/audit?" + urlencode({**filters, "page": page} if page > 1 else filters)


def _day(text: str) -> dt.date | str:
    """A date the log kept as ISO text, to be shown in the reader's words (left as it is when it is not one)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text
