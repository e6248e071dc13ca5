"""The audit log: the activity record searched by person, entity, action and date, for admins ("who deleted what")."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from itertools import islice

from attrs import frozen

from eventflow.core import errors
from eventflow.core.model import Activity, User
from eventflow.core.services import Actor, Context, require_admin

CSV_HEADER = ["at", "actor_id", "actor", "action", "entity_type", "entity_id", "event_id", "before", "after"]
MAX_ROWS = 10_000
#: A spreadsheet runs a cell starting with these as a formula: such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@frozen
class AuditQuery:
    """Every filter is optional; ``action`` matches exactly or, ending with a dot, as a prefix (``comment.``)."""

    person: str | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    event_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    limit: int = 500


@frozen
class AuditEntry:
    entry: Activity
    actor: User | None


@frozen
class AuditService:
    ctx: Context

    def search(self, actor: Actor, query: AuditQuery) -> list[AuditEntry]:
        """Matching entries, newest first, each with the person who acted (None: the command line)."""
        require_admin(actor)
        if query.start and query.end and query.start > query.end:
            raise errors.InvalidInput("the start date is after the end date", "from")
        if not 1 <= query.limit <= MAX_ROWS:
            raise errors.InvalidInput(f"limit must be between 1 and {MAX_ROWS}", "limit")
        with self.ctx.uow(read_only=True) as uow:
            users = {u.id: u for u in uow.users.list()}
            person = self._person(users.values(), query.person) if query.person else None
            found = uow.activity.list(
                event_id=query.event_id,
                actor_id=person.id if person else None,
                entity_type=query.entity_type,
                # a day in the team's time zone lies within a day either side in UTC; matched exactly below
                since=_utc_midnight(query.start - dt.timedelta(days=1)) if query.start else None,
                until=_utc_midnight(query.end + dt.timedelta(days=2)) if query.end else None,
            )
        kept = (a for a in found if self._matches(a, query))
        return [AuditEntry(a, users.get(a.actor_id)) for a in islice(kept, query.limit)]

    def _matches(self, entry: Activity, query: AuditQuery) -> bool:
        day = self.ctx.clock.local_date(entry.at)
        action = query.action
        return (
            (query.entity_id is None or entry.entity_id == query.entity_id)
            and (action is None or entry.action == action or (action.endswith(".") and entry.action.startswith(action)))
            and (query.start is None or day >= query.start)
            and (query.end is None or day <= query.end)
        )

    @staticmethod
    def _person(users: Iterable[User], who: str) -> User:
        """A user by id, e-mail or name (any case)."""
        wanted = who.strip().lower()
        for user in users:
            if wanted in (str(user.id), user.email.lower(), user.name.lower()):
                return user
        raise errors.InvalidInput(f"no user is {who!r} (give an id, an e-mail or a name)", "person")


def csv_rows(entries: Iterable[AuditEntry]) -> list[list[str]]:
    """The CSV export: a header, then one row per entry; before/after as JSON; formula-looking cells defused."""
    rows = [CSV_HEADER]
    for item in entries:
        a = item.entry
        actor = f"{item.actor.name} <{item.actor.email}>" if item.actor else "command line"
        cells = [a.at.isoformat(), a.actor_id, actor, a.action, a.entity_type, a.entity_id, a.event_id,
                 _json(a.before), _json(a.after)]  # fmt: skip
        rows.append([_safe_cell(cell) for cell in cells])
    return rows


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
