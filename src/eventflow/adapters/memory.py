"""In-memory fakes of the persistence ports, for unit tests and throwaway demos.

They keep the semantics that matter to the core: ids are given on ``add``, reads return
copies (a change is saved only by ``update``), and leaving a unit of work without
``commit()`` forgets everything it did.
"""

from __future__ import annotations

import builtins
import copy
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, Protocol, Self, TypeVar

from attrs import define, field

from eventflow.adapters import VOLATILE_TABLES
from eventflow.core.errors import Conflict
from eventflow.core.model import (
    Activity,
    ApiToken,
    Asset,
    Bar,
    Comment,
    Deliverable,
    DeliverableTemplate,
    Event,
    Feed,
    Follow,
    Lease,
    LoginFailure,
    Notification,
    OutboxMessage,
    OutboxStatus,
    Reservation,
    Session,
    Status,
    StorageTier,
    TeamSettings,
    ThemePeriod,
    User,
    Webhook,
    WebhookDelivery,
)
from eventflow.core.ports import (
    CalendarRows,
    CardRows,
    HistoryNight,
    HistoryRows,
    HistoryWindow,
    SessionCaller,
    StatusChange,
    UnitOfWork,
    Upload,
)
from eventflow.core.rules import search_key
from eventflow.core.rules_history import STATUS_ACTIONS


@define
class _Table:
    rows: dict[Any, Any] = field(factory=dict)  # one table's entities by id (each repository knows their type)
    next_id: int = 1


class _Identified(Protocol):
    id: int | None


class _NamedEntity(_Identified, Protocol):
    name: str


E = TypeVar("E", bound=_Identified)
N = TypeVar("N", bound=_NamedEntity)
#: What a sender claims before sending it.
Q = TypeVar("Q", OutboxMessage, WebhookDelivery)


class _Repo(Generic[E]):
    def __init__(self, table: _Table) -> None:
        self._t = table
        self._rows: dict[int, E] = table.rows

    def add(self, entity: E) -> E:
        entity.id = self._t.next_id
        self._t.next_id += 1
        self._rows[entity.id] = copy.deepcopy(entity)
        return entity

    def get(self, entity_id: int) -> E | None:
        return copy.deepcopy(self._rows.get(entity_id))

    def get_for_update(self, entity_id: int) -> E | None:
        """``get``: every in-memory unit of work holds the database's lock from start to end."""
        return self.get(entity_id)

    def update(self, entity: E) -> None:
        assert entity.id is not None, "update() saves a stored entity"
        self._rows[entity.id] = copy.deepcopy(entity)

    def delete(self, entity_id: int) -> None:
        self._rows.pop(entity_id, None)

    def _where(self, keep: Callable[[E], bool], key: Callable[[E], Any] = lambda e: e.id) -> builtins.list[E]:
        return sorted((copy.deepcopy(e) for e in self._rows.values() if keep(e)), key=key)

    def _one(self, keep: Callable[[E], bool]) -> E | None:
        found = self._where(keep)
        return found[0] if found else None

    def _delete_where(self, keep: Callable[[E], bool]) -> int:
        """Remove the rows ``keep`` accepts; how many there were."""
        doomed = [key for key, entity in self._rows.items() if keep(entity)]
        for key in doomed:
            del self._rows[key]
        return len(doomed)


class _Users(_Repo[User]):
    def get_by_email(self, email: str) -> User | None:
        return self._one(lambda u: u.email.lower() == email.lower())

    def list(self) -> list[User]:
        return self._where(lambda u: True, key=lambda u: (u.name.lower(), u.id))


class _Tokens(_Repo[ApiToken]):
    def get_by_hash(self, token_hash: str) -> ApiToken | None:
        return self._one(lambda t: t.token_hash == token_hash)

    def list_by_prefix(self, prefix: str) -> list[ApiToken]:
        return self._where(lambda t: t.prefix == prefix, key=lambda t: (t.created_at, t.id))

    def list_for_user(self, user_id: int) -> list[ApiToken]:
        return self._where(lambda t: t.user_id == user_id, key=lambda t: (t.created_at, t.id))


class _LoginFailures(_Repo[LoginFailure]):
    def times(self, since: dt.datetime, *, email: str | None = None, address: str | None = None) -> list[dt.datetime]:
        def counted(f: LoginFailure) -> bool:
            return f.at > since and (f.email == email if email is not None else f.address == address)

        return sorted(f.at for f in self._rows.values() if counted(f))

    def delete_for_email(self, email: str) -> None:
        self._delete_where(lambda f: f.email == email)

    def delete_older_than(self, instant: dt.datetime) -> int:
        return self._delete_where(lambda f: f.at < instant)


class _Sessions(_Repo[Session]):
    def __init__(self, table: _Table, users: _Users, revision: int, inbox: _Notifications | None = None) -> None:
        super().__init__(table)
        self._users = users
        self._revision = revision
        self._inbox = inbox

    def get_by_hash(self, key_hash: str) -> Session | None:
        return self._one(lambda s: s.key_hash == key_hash)

    def get_with_user(self, key_hash: str) -> SessionCaller | None:
        session = self.get_by_hash(key_hash)
        user = self._users.get(session.user_id) if session else None
        if not (session and user):
            return None
        return SessionCaller(
            session, user, self._revision, self._inbox.unread_count(user.id or 0) if self._inbox else 0
        )

    def delete_for_user(self, user_id: int) -> None:
        self._delete_where(lambda s: s.user_id == user_id)


class _Named(_Repo[N]):
    def get_by_name(self, name: str) -> N | None:
        return self._one(lambda e: e.name.lower() == name.lower())

    def list(self) -> builtins.list[N]:
        return self._where(lambda e: True, key=lambda e: (e.name.lower(), e.id))


class _Themes(_Repo[ThemePeriod]):
    def get_for_month(self, year: int, month: int) -> ThemePeriod | None:
        return self._one(lambda t: (t.year, t.month) == (year, month))

    def list(self, year: int | None = None) -> list[ThemePeriod]:
        return self._where(lambda t: year is None or t.year == year, key=lambda t: (t.year, t.month))


class _Events(_Repo[Event]):
    def list(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        bar_id: int | None = None,
        *,
        cancelled: bool | None = None,
        name: str | None = None,
    ) -> list[Event]:
        wanted = None if name is None else search_key(name)
        return self._where(
            lambda e: (
                (start is None or e.date >= start)
                and (end is None or e.date <= end)
                and (bar_id is None or bar_id in e.bar_ids)
                and (cancelled is None or e.cancelled is cancelled)
                and (wanted is None or wanted in search_key(e.name))
            ),
            key=lambda e: (e.date, e.name.lower(), e.id),
        )

    def get_many(self, event_ids: Iterable[int]) -> builtins.list[Event]:
        wanted = set(event_ids)
        return self._where(lambda e: e.id in wanted, key=lambda e: (e.date, e.name.lower(), e.id))


class _Deliverables(_Repo[Deliverable]):
    def update(self, entity: Deliverable) -> None:
        entity.row_version += 1
        super().update(entity)

    def list_for_events(self, event_ids: Iterable[int]) -> list[Deliverable]:
        wanted = set(event_ids)
        return self._where(lambda d: d.event_id in wanted)

    def list_in_status(self, status: Status) -> list[Deliverable]:
        return self._where(lambda d: d.status is status)


class _Assets(_Repo[Asset]):
    def add(self, entity: Asset) -> Asset:
        version = (entity.deliverable_id, entity.version)
        if None not in version and self._one(lambda a: (a.deliverable_id, a.version) == version):
            raise Conflict("cannot save: this slot already has a version with this number")
        return super().add(entity)

    def list_for_events(self, event_ids: Iterable[int]) -> list[Asset]:
        wanted = set(event_ids)
        return self._where(lambda a: a.event_id in wanted, key=lambda a: (a.created_at, a.id))

    def stored_bytes(self) -> int:
        return sum((a.size if a.location is StorageTier.HOT else 0) + a.preview_size for a in self._rows.values())

    def get_by_upload(self, upload_id: str) -> Asset | None:
        return self._one(lambda a: a.upload_id == upload_id)


class _Leases:
    """Leases keyed by their own (chosen) id."""

    def __init__(self, table: _Table) -> None:
        self._rows: dict[str, Lease] = table.rows

    def add(self, lease: Lease) -> Lease:
        if lease.id in self._rows:
            raise Conflict("cannot save: this lease already exists")
        self._rows[lease.id] = copy.deepcopy(lease)
        return lease

    def list(self) -> list[Lease]:
        return [copy.deepcopy(lease) for _, lease in sorted(self._rows.items())]

    def renew(self, lease_id: str, until: dt.datetime, now: dt.datetime) -> bool:
        lease = self._rows.get(lease_id)
        if lease is None or lease.expires_at <= now:
            return False
        lease.expires_at = until
        return True

    def delete(self, lease_ids: Iterable[str]) -> None:
        for lease_id in list(lease_ids):
            self._rows.pop(lease_id, None)


class _Reservations(_Repo[Reservation]):
    def lock(self) -> None:
        """Every in-memory unit of work already holds the database lock."""

    def total(self) -> int:
        return sum(r.size for r in self._rows.values())

    def list(self) -> list[Reservation]:
        return self._where(lambda r: True, key=lambda r: (r.created_at, r.id))

    def unfinished_bytes(self, user_id: int) -> int:
        return sum(r.size for r in self._rows.values() if r.user_id == user_id)

    def delete_for_lease(self, lease_id: str) -> None:
        self._delete_where(lambda r: r.lease_id == lease_id)


class _Comments(_Repo[Comment]):
    def list_for_event(self, event_id: int) -> list[Comment]:
        return self._where(lambda c: c.event_id == event_id, key=lambda c: (c.created_at, c.id))


class _Activity(_Repo[Activity]):
    def list(
        self,
        event_id: int | None = None,
        actor_id: int | None = None,
        entity_type: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
        entity_id: int | None = None,
        action: str | None = None,
        action_prefix: str | None = None,
        offset: int = 0,
    ) -> list[Activity]:
        found = self._where(
            lambda a: (
                (event_id is None or a.event_id == event_id)
                and (actor_id is None or a.actor_id == actor_id)
                and (entity_type is None or a.entity_type == entity_type)
                and (entity_id is None or a.entity_id == entity_id)
                and (action is None or a.action == action)
                and (action_prefix is None or a.action.startswith(action_prefix))
                and (since is None or a.at >= since)
                and (until is None or a.at <= until)
            ),
            key=lambda a: (a.at, a.id),
        )[::-1][offset:]
        return found[:limit] if limit is not None else found


class _Queue(_Repo[Q]):
    """Messages or deliveries a sender claims (``claim_token`` until ``claimed_until``) before sending them."""

    def due(self, now: dt.datetime, limit: int) -> builtins.list[Q]:
        return self._where(lambda m: _claimable(m, now), key=lambda m: (m.next_attempt_at, m.id))[:limit]

    def claim(self, message_id: int, token: str, now: dt.datetime, until: dt.datetime) -> bool:
        message = self._rows.get(message_id)
        if message is None or not _claimable(message, now):
            return False
        message.claim_token, message.claimed_until = token, until
        return True

    def prune(self, sent_before: dt.datetime, failed_before: dt.datetime, limit: int) -> int:
        def old(m: Q) -> bool:
            if m.status is OutboxStatus.FAILED:
                return m.next_attempt_at < failed_before
            sent_at = m.sent_at if isinstance(m, OutboxMessage) else m.delivered_at
            return m.status is OutboxStatus.SENT and sent_at is not None and sent_at < sent_before

        ids = [m.id for m in self._where(old)[:limit]]
        return self._delete_where(lambda m: m.id in ids)


class _Outbox(_Queue[OutboxMessage]):
    def lock_reminders(self) -> None:
        """Every in-memory unit of work already holds the database lock."""

    def lock_digest(self) -> None:
        """Every in-memory unit of work already holds the database lock."""

    def add(self, entity: OutboxMessage) -> OutboxMessage:
        if entity.dedupe_key is not None and self.has_key(entity.dedupe_key):
            raise Conflict("cannot save: this message is already queued")
        return super().add(entity)

    def has_key(self, dedupe_key: str) -> bool:
        return self._one(lambda m: m.dedupe_key == dedupe_key) is not None

    def list(self, failing_only: bool = False, limit: int | None = None) -> list[OutboxMessage]:
        found = self._where(
            lambda m: not failing_only or (m.status is not OutboxStatus.SENT and m.last_error is not None),
            key=lambda m: (m.created_at, m.id),
        )[::-1]
        return found[:limit] if limit is not None else found

    def claim_group(
        self, group_key: str, token: str, now: dt.datetime, until: dt.datetime
    ) -> builtins.list[OutboxMessage]:
        group = [m for m in self._t.rows.values() if m.group_key == group_key and m.status is OutboxStatus.PENDING]
        for message in group:
            if message.claimed_until is None or message.claimed_until <= now:
                message.claim_token, message.claimed_until = token, until
        taken = [m for m in group if m.claim_token == token]
        return [copy.deepcopy(m) for m in sorted(taken, key=lambda m: (m.created_at, m.id))]


class _Follows(_Repo[Follow]):
    def add(self, entity: Follow) -> Follow:
        if self.get(entity.event_id, entity.user_id) is not None:
            raise Conflict("cannot save: this person already follows or unfollowed this night")
        return super().add(entity)

    def get(self, event_id: int, user_id: int) -> Follow | None:  # type: ignore[override]
        return self._one(lambda f: (f.event_id, f.user_id) == (event_id, user_id))

    def list_for_event(self, event_id: int) -> list[Follow]:
        return self._where(lambda f: f.event_id == event_id, key=lambda f: (f.at, f.id))


class _Notifications(_Repo[Notification]):
    def list_for_user(self, user_id: int, limit: int | None = None) -> list[Notification]:
        found = self._where(lambda n: n.user_id == user_id, key=lambda n: (n.created_at, n.id))[::-1]
        return found[:limit] if limit is not None else found

    def unread_count(self, user_id: int) -> int:
        return sum(1 for n in self._t.rows.values() if n.user_id == user_id and n.read_at is None)

    def mark_read(self, user_id: int, at: dt.datetime, ids: Sequence[int] | None = None) -> int:
        wanted = None if ids is None else set(ids)
        changed = 0
        for n in self._t.rows.values():
            if n.user_id == user_id and n.read_at is None and (wanted is None or n.id in wanted):
                n.read_at = at
                changed += 1
        return changed


class _Webhooks(_Repo[Webhook]):
    def list(self) -> list[Webhook]:
        return self._where(lambda w: True)


class _Deliveries(_Queue[WebhookDelivery]):
    def list_for(self, webhook_id: int, limit: int) -> list[WebhookDelivery]:
        return self._where(lambda d: d.webhook_id == webhook_id, key=lambda d: (d.created_at, d.id))[::-1][:limit]


class _Feeds(_Repo[Feed]):
    def add(self, entity: Feed) -> Feed:
        if self.get_by_hash(entity.secret_hash) is not None:
            raise Conflict("cannot save: this calendar feed already exists")
        return super().add(entity)

    def get_by_hash(self, secret_hash: str) -> Feed | None:
        return self._one(lambda f: f.secret_hash == secret_hash)

    def for_user(self, user_id: int) -> Feed | None:
        return self._one(lambda f: f.user_id == user_id)

    def for_bar(self, bar_id: int) -> Feed | None:
        return self._one(lambda f: f.bar_id == bar_id)


class _Settings:
    """The team's settings: one row, the defaults until saved."""

    def __init__(self, table: _Table) -> None:
        self._t = table

    def current(self) -> TeamSettings:
        stored: TeamSettings | None = self._t.rows.get(1)
        return stored or TeamSettings()

    def update(self, settings: TeamSettings) -> None:
        self._t.rows[1] = settings


def _claimable(message: OutboxMessage | WebhookDelivery, now: dt.datetime) -> bool:
    return (
        message.status is OutboxStatus.PENDING
        and message.next_attempt_at <= now
        and (message.claimed_until is None or message.claimed_until <= now)
    )


TABLES = (
    "users",
    "tokens",
    "sessions",
    "login_failures",
    "bars",
    "themes",
    "templates",
    "events",
    "deliverables",
    "assets",
    "leases",
    "reservations",
    "comments",
    "activity",
    "outbox",
    "webhooks",
    "webhook_deliveries",
    "feeds",
    "settings",
    "follows",
    "notifications",
)


class ComposedReadModels:
    """The page reads made of the single repositories of a unit of work: the reference any faster
    implementation must agree with."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def calendar(
        self,
        start: dt.date,
        end: dt.date,
        bar_id: int | None = None,
        history: HistoryWindow | None = None,
        with_cancelled: bool = False,
    ) -> CalendarRows:
        uow = self._uow
        events = uow.events.list(start, end, bar_id, cancelled=None if with_cancelled else False)
        return CalendarRows(
            events=events,
            slots=uow.deliverables.list_for_events([e.id for e in events if e.id is not None]),
            bars=uow.bars.list(),
            themes=self._themes(start, end),
            history=self.history(*history) if history else None,
        )

    def card(
        self, event_id: int, activity_limit: int | None = None, history: HistoryWindow | None = None
    ) -> CardRows | None:
        uow = self._uow
        event = uow.events.get(event_id)
        if event is None:
            return None
        return CardRows(
            event=event,
            slots=uow.deliverables.list_for_events([event_id]),
            assets=uow.assets.list_for_events([event_id]),
            comments=uow.comments.list_for_event(event_id),
            activity=uow.activity.list(event_id=event_id, limit=activity_limit),
            bars=uow.bars.list(),
            themes=self._themes(event.date, event.date),
            users=uow.users.list(),
            settings=uow.settings.current(),
            history=self.history(*history) if history else None,
            follows=uow.follows.list_for_event(event_id),
        )

    def history(self, start: dt.date, end: dt.date) -> HistoryRows:
        uow = self._uow
        events = uow.events.list(start, end, cancelled=False)
        ids = {e.id for e in events if e.id is not None}
        entries = uow.activity.list(entity_type="deliverable")[::-1]
        uploads = [Upload(a.deliverable_id, a.created_at) for a in uow.assets.list_for_events(ids) if a.deliverable_id]
        return HistoryRows(
            nights=sorted(
                (HistoryNight(e.id or 0, e.date, e.created_at) for e in events), key=lambda n: (n.date, n.id)
            ),
            slots=uow.deliverables.list_for_events(ids),
            uploads=sorted(uploads, key=lambda u: (u.at, u.slot_id)),
            changes=[
                StatusChange(a.id or 0, a.entity_id, a.at, a.action, _status_set(a.after))
                for a in entries
                if a.event_id in ids and a.action in STATUS_ACTIONS and a.entity_id is not None
            ],
        )

    def _themes(self, start: dt.date, end: dt.date) -> list[ThemePeriod]:
        months = range(start.year * 12 + start.month, end.year * 12 + end.month + 1)
        themes = (t for year in range(start.year, end.year + 1) for t in self._uow.themes.list(year))
        return [t for t in themes if t.year * 12 + t.month in months]


def _status_set(after: dict[str, Any] | None) -> str | None:
    status = (after or {}).get("status")
    return None if status is None else str(status)


@define
class MemoryDatabase:
    """The shared state behind every in-memory unit of work."""

    tables: dict[str, _Table] = field(factory=lambda: {name: _Table() for name in TABLES})
    revision: int = 0  # increased by every commit that changes what pages show, like the SQL ``revision`` row
    lock: threading.RLock = field(factory=threading.RLock)


class MemoryUnitOfWork:
    def __init__(self, db: MemoryDatabase, read_only: bool = False) -> None:
        self._db = db
        self._read_only = read_only

    def __enter__(self) -> Self:
        self._db.lock.acquire()
        self._work = copy.deepcopy(self._db.tables)
        t = self._work
        users = _Users(t["users"])
        self.users = users
        self.tokens = _Tokens(t["tokens"])
        notifications = _Notifications(t["notifications"])
        self.notifications = notifications
        self.sessions = _Sessions(t["sessions"], users, self._db.revision, notifications)
        self.login_failures = _LoginFailures(t["login_failures"])
        self.bars = _Named[Bar](t["bars"])
        self.themes = _Themes(t["themes"])
        self.templates = _Named[DeliverableTemplate](t["templates"])
        self.events = _Events(t["events"])
        self.deliverables = _Deliverables(t["deliverables"])
        self.assets = _Assets(t["assets"])
        self.leases = _Leases(t["leases"])
        self.reservations = _Reservations(t["reservations"])
        self.comments = _Comments(t["comments"])
        self.activity = _Activity(t["activity"])
        self.outbox = _Outbox(t["outbox"])
        self.read_models = ComposedReadModels(self)
        self.webhooks = _Webhooks(t["webhooks"])
        self.deliveries = _Deliveries(t["webhook_deliveries"])
        self.feeds = _Feeds(t["feeds"])
        self.settings = _Settings(t["settings"])
        self.follows = _Follows(t["follows"])
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._db.lock.release()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        if any(self._work[name] != self._db.tables[name] for name in TABLES if name not in VOLATILE_TABLES):
            self._db.revision += 1
        self._db.tables = copy.deepcopy(self._work)
        self._cascade()

    def _cascade(self) -> None:
        """Like the SQL foreign keys: an event's slots, assets and comments go with it, a webhook's deliveries too."""
        events = self._db.tables["events"].rows
        for name in ("deliverables", "assets", "comments", "follows"):
            rows = self._db.tables[name].rows
            for key in [k for k, row in rows.items() if row.event_id not in events]:
                del rows[key]
        webhooks, deliveries = self._db.tables["webhooks"].rows, self._db.tables["webhook_deliveries"].rows
        for key in [k for k, row in deliveries.items() if row.webhook_id not in webhooks]:
            del deliveries[key]

    def has_data(self) -> bool:
        return any(self._work[name].rows for name in ("users", "bars", "events"))


def memory_uow_factory(db: MemoryDatabase | None = None) -> Callable[..., MemoryUnitOfWork]:
    database = db or MemoryDatabase()
    return lambda read_only=False: MemoryUnitOfWork(database, read_only)
