"""The audit log: the activity record searched by person, entity, action and date, for admins ("who deleted what")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from attrs import field, frozen

from eventflow.core import errors
from eventflow.core.model import Activity, User
from eventflow.core.services import Actor, Context, require_admin

MAX_ROWS = 10_000


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
    offset: int = 0


@frozen
class AuditEntry:
    entry: Activity
    actor: User | None


@frozen
class AuditNames:
    """What the ids met in some entries stand for, so that people read names and titles, not numbers: people's
    names, nights' and slots' titles (with their night's), bars' names. An id missing from a map no longer exists."""

    people: Mapping[int, str] = field(factory=dict)
    nights: Mapping[int, str] = field(factory=dict)
    slots: Mapping[int, str] = field(factory=dict)
    bars: Mapping[int, str] = field(factory=dict)


@frozen
class AuditService:
    ctx: Context

    def search(self, actor: Actor, query: AuditQuery) -> list[AuditEntry]:
        """Matching entries, newest first, each with the person who acted (None: the command line)."""
        require_admin(actor)
        if query.start and query.end and query.start > query.end:
            raise errors.InvalidInput("the start date is after the end date", "from")
        if not 1 <= query.limit <= MAX_ROWS:
            raise errors.InvalidInput("limit must be between 1 and %(max_rows)s", "limit", max_rows=MAX_ROWS)
        if query.offset < 0:
            raise errors.InvalidInput("offset must be 0 or more", "offset")
        action = query.action or ""
        with self.ctx.uow(read_only=True) as uow:
            users = {u.id: u for u in uow.users.list()}
            person = self._person(users.values(), query.person) if query.person else None
            found = uow.activity.list(
                event_id=query.event_id,
                actor_id=person.id if person else None,
                entity_type=query.entity_type,
                entity_id=query.entity_id,
                action=None if not action or action.endswith(".") else action,
                action_prefix=action if action.endswith(".") else None,
                since=self.ctx.clock.start_of(query.start) if query.start else None,
                until=self._end_of(query.end) if query.end else None,
                limit=query.limit,
                offset=query.offset,
            )
        return [AuditEntry(a, users.get(a.actor_id)) for a in found]

    def names(self, actor: Actor, entries: Iterable[AuditEntry]) -> AuditNames:
        """The names and titles behind the ids of ``entries`` (a page of the log: a few queries, whatever its size)."""
        require_admin(actor)
        night_ids: set[int] = set()
        slot_ids: set[int] = set()
        for item in entries:
            a = item.entry
            night_ids.update(i for i in (a.event_id, a.entity_id if a.entity_type == "event" else None) if i)
            if a.entity_type == "deliverable" and a.entity_id:
                slot_ids.add(a.entity_id)
            for values in (a.before or {}, a.after or {}):
                if isinstance(values.get("deliverable_id"), int):
                    slot_ids.add(values["deliverable_id"])
        with self.ctx.uow(read_only=True) as uow:
            nights = {e.id: e for e in uow.events.get_many(night_ids) if e.id is not None}
            slots = {s.id: s for s in uow.deliverables.list_for_events(nights) if s.id in slot_ids}
            return AuditNames(
                people={u.id: u.name for u in uow.users.list() if u.id is not None},
                nights={i: e.name for i, e in nights.items()},
                slots={i: f"{s.name} · {nights[s.event_id].name}" for i, s in slots.items() if i is not None},
                bars={b.id: b.name for b in uow.bars.list() if b.id is not None},
            )

    def _end_of(self, day: dt.date) -> dt.datetime:
        """The last instant of the team's calendar day ``day``."""
        return self.ctx.clock.start_of(day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)

    @staticmethod
    def _person(users: Iterable[User], who: str) -> User:
        """A user by id, e-mail or name (any case)."""
        wanted = who.strip().lower()
        for user in users:
            if wanted in (str(user.id), user.email.lower(), user.name.lower()):
                return user
        raise errors.InvalidInput("no user is %(who)r (give an id, an e-mail or a name)", "person", who=who)
