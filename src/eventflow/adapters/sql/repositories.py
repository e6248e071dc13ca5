"""SQL implementations of the repository ports, on one connection owned by the unit of work.

Semantics follow the in-memory fakes: ``add`` sets the id on the object passed in and returns it,
reads return fresh objects, and a change is saved only by ``update``.
"""

from __future__ import annotations

import builtins
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, Protocol, TypeVar

import attrs
from attrs import AttrsInstance
from sqlalchemy import ColumnElement, Connection, Executable, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.expression import TableClause

from eventflow.adapters import VOLATILE_TABLES
from eventflow.adapters.sql import tables as t
from eventflow.adapters.sql.mapping import Codec, ColumnValues, EntityMap
from eventflow.core.errors import Conflict, StorageFull, TryAgain
from eventflow.core.i18n import N_, Message, message_as_json, message_from_json
from eventflow.core.model import (
    Activity,
    Anchor,
    ApiToken,
    Asset,
    Bar,
    Comment,
    Deliverable,
    DeliverableTemplate,
    Event,
    Feed,
    Follow,
    Language,
    Lease,
    LoginFailure,
    Notification,
    OutboxMessage,
    OutboxStatus,
    PhotoCategory,
    Reservation,
    Role,
    Screen,
    Session,
    Status,
    StorageTier,
    TeamSettings,
    ThemePeriod,
    User,
    Webhook,
    WebhookDelivery,
    WebhookFormat,
)
from eventflow.core.ports import SessionCaller
from eventflow.core.rules import search_key

#: Words found in a driver's integrity error (constraint name, or SQLite's ``table.column``) -> what to tell the user.
CONFLICTS = (
    (("uq_users_email_key", "users.email_key"), N_("a user with this e-mail already exists")),
    (("uq_bars_name_key", "bars.name_key"), N_("a bar with this name already exists")),
    (("uq_templates_name_key", "templates.name_key"), N_("a template with this name already exists")),
    (("uq_themes_year", "themes.year"), N_("this month already has a theme")),
    (("uq_tokens_token_hash", "tokens.token_hash"), N_("this token already exists")),
    (("uq_sessions_key_hash", "sessions.key_hash"), N_("this session already exists")),
    (("pk_event_bars", "event_bars.event_id"), N_("a bar is listed twice for this event")),
    (("uq_outbox_dedupe_key", "outbox.dedupe_key"), N_("this message is already queued")),
    (
        ("uq_assets_deliverable_id_version", "assets.deliverable_id"),
        N_("this slot already has a version with this number"),
    ),
    (("uq_assets_upload_id", "assets.upload_id"), N_("this upload is already stored")),
    (("pk_leases", "leases.id"), N_("this lease already exists")),
    (("uq_feeds_secret_hash", "feeds.secret_hash"), N_("this calendar feed already exists")),
    (("uq_follows_event_id", "follows.event_id"), N_("this person already follows or unfollowed this night")),
    (("foreign key",), N_("it refers to a user, bar, template, event, slot or comment that does not exist")),
)


def explain(error: IntegrityError) -> Message:
    """A readable sentence for a constraint violation."""
    detail = str(error.orig).lower()
    for markers, message in CONFLICTS:
        if any(marker in detail for marker in markers):
            return Message(N_("cannot save: %(reason)s"), {"reason": Message(message)})
    return Message(N_("cannot save: the change clashes with data already stored"))


#: How each driver says the database cancelled a transaction to settle a clash with a concurrent one.
CLASH_SQLSTATES = {"40001", "40P01"}  # PostgreSQL: serialization_failure, deadlock_detected
CLASH_MYSQL_CODES = {1205, 1213}  # MySQL/MariaDB: lock wait timeout exceeded, deadlock found
CLASH_SQLITE_CODES = {5, 6}  # SQLite: SQLITE_BUSY ("database is locked", once the busy timeout ran out), SQLITE_LOCKED


def is_clash(error: DBAPIError) -> bool:
    """Whether ``error`` is a transaction given up because of another one (running it again may succeed)."""
    driver_error = error.orig
    if getattr(driver_error, "sqlstate", None) in CLASH_SQLSTATES:
        return True
    sqlite_code = getattr(driver_error, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in CLASH_SQLITE_CODES  # the primary code, whatever the extended one
    args: tuple[Any, ...] = driver_error.args if driver_error is not None else ()
    return bool(args) and args[0] in CLASH_MYSQL_CODES


#: How PostgreSQL (SQLSTATE disk_full) and MariaDB (ER_DISK_FULL, ER_RECORD_FILE_FULL) say their disk is full.
POSTGRES_DISK_FULL = "53100"
MYSQL_DISK_FULL = (1021, 1114)


def database_full(error: DBAPIError) -> bool:
    """The database refused a write for want of room (SQLite: "database or disk is full")."""
    driver = error.orig
    code = driver.args[0] if driver is not None and driver.args else None
    return (
        getattr(driver, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
        or getattr(driver, "sqlstate", None) == POSTGRES_DISK_FULL
        or code in MYSQL_DISK_FULL
    )


@contextmanager
def translated() -> Iterator[None]:
    """Driver errors as the core's: a constraint violated is a :class:`Conflict`, a clash a :class:`TryAgain`, a
    full disk :class:`StorageFull`."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(explain(error)) from error
    except DBAPIError as error:
        if is_clash(error):
            raise TryAgain("the database cancelled this change: another one touched the same data at once") from error
        if database_full(error):
            raise StorageFull("database") from error
        raise


class Db:
    """The unit of work's connection; driver errors surface as the core's (see :func:`translated`).
    ``content_changed`` says whether a statement wrote a table that pages show."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.content_changed = False

    def run(
        self, statement: Executable, rows: Sequence[dict[str, Any]] | dict[str, Any] | None = None
    ) -> CursorResult[Any]:
        if writes_content(statement):
            self.content_changed = True
        with translated():
            return self.connection.execute(statement, rows)

    def scalar_int(self, statement: Executable) -> int:
        """A SUM or COUNT as an exact int (some backends return Decimal, or NULL for no rows)."""
        return int(self.run(statement).scalar() or 0)


def writes_content(statement: Executable) -> bool:
    """Whether ``statement`` writes a table that pages show (a write to anything but a plain volatile table does)."""
    if not isinstance(statement, UpdateBase):
        return False
    target = statement.table
    return not (isinstance(target, TableClause) and target.name in VOLATILE_TABLES)


class Identified(AttrsInstance, Protocol):
    id: int | None


E = TypeVar("E", bound=Identified)


class Repository(Generic[E]):
    def __init__(self, db: Db, mapping: EntityMap[E]) -> None:
        self._db = db
        self._map = mapping
        self._t = mapping.table

    def add(self, entity: E) -> E:
        result = self._db.run(insert(self._t).values(self._map.to_row(entity)))
        (entity.id,) = result.inserted_primary_key or (None,)
        return entity

    def get(self, entity_id: int) -> E | None:
        return self._one(self._t.c.id == entity_id)

    def get_for_update(self, entity_id: int) -> E | None:
        return self._one(self._t.c.id == entity_id, for_update=True)

    def update(self, entity: E) -> None:
        self._db.run(update(self._t).where(self._t.c.id == entity.id).values(self._map.to_row(entity)))

    def delete(self, entity_id: int) -> None:
        self._db.run(delete(self._t).where(self._t.c.id == entity_id))

    def _one(self, *where: ColumnElement[bool], for_update: bool = False) -> E | None:
        found = self._select(*where, limit=1, for_update=for_update)
        return found[0] if found else None

    def _select(
        self,
        *where: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
        for_update: bool = False,
        offset: int = 0,
    ) -> list[E]:
        query = select(self._t).where(*where).order_by(*order_by, self._t.c.id).limit(limit).offset(offset or None)
        if for_update:
            # PostgreSQL: FOR NO KEY UPDATE, which lets others insert rows referring to this one meanwhile;
            # MySQL/MariaDB: FOR UPDATE; SQLite: nothing (BEGIN IMMEDIATE already let one writer in).
            query = query.with_for_update(key_share=True)
        return [self._map.to_entity(row) for row in self._db.run(query).mappings()]


class Users(Repository[User]):
    def get_by_email(self, email: str) -> User | None:
        return self._one(self._t.c.email_key == email.lower())

    def list(self) -> list[User]:
        return self._select(order_by=[self._t.c.name_key])


class Tokens(Repository[ApiToken]):
    def get_by_hash(self, token_hash: str) -> ApiToken | None:
        return self._one(self._t.c.token_hash == token_hash)

    def list_by_prefix(self, prefix: str) -> list[ApiToken]:
        return self._select(self._t.c.prefix == prefix, order_by=[self._t.c.created_at])

    def list_for_user(self, user_id: int) -> list[ApiToken]:
        return self._select(self._t.c.user_id == user_id, order_by=[self._t.c.created_at])


class LoginFailures(Repository[LoginFailure]):
    def times(
        self, since: dt.datetime, *, email: str | None = None, address: str | None = None
    ) -> builtins.list[dt.datetime]:
        c = self._t.c
        key = c.email == email if email is not None else c.address == address
        return list(self._db.run(select(c.at).where(key, c.at > since).order_by(c.at)).scalars())

    def delete_for_email(self, email: str) -> None:
        self._delete_ids(self._t.c.email == email)

    def delete_older_than(self, instant: dt.datetime) -> int:
        return self._delete_ids(self._t.c.at < instant)

    def _delete_ids(self, where: ColumnElement[bool]) -> int:
        """Delete by primary key what a plain read found: a ranged DELETE would lock the index gaps on MariaDB
        (InnoDB next-key locks) and deadlock with the attempts inserted at the same time."""
        ids = list(self._db.run(select(self._t.c.id).where(where)).scalars())
        return self._db.run(delete(self._t).where(self._t.c.id.in_(ids))).rowcount if ids else 0


class Sessions(Repository[Session]):
    def get_by_hash(self, key_hash: str) -> Session | None:
        return self._one(self._t.c.key_hash == key_hash)

    def get_with_user(self, key_hash: str) -> SessionCaller | None:
        user_columns = [column.label(f"owner_{column.key}") for column in t.users.c]
        latest = (
            select(t.revision.c.number)
            .where(t.revision.c.id == t.REVISION_ROW)
            .scalar_subquery()
            .label("revision_number")
        )
        n = t.notifications.c
        unread = (
            select(func.count(n.id))
            .where(n.user_id == self._t.c.user_id, n.read_at.is_(None))
            .scalar_subquery()
            .label("unread_count")
        )
        query = select(self._t, *user_columns, latest, unread).join(t.users, t.users.c.id == self._t.c.user_id)
        row = self._db.run(query.where(self._t.c.key_hash == key_hash)).mappings().first()
        if row is None:
            return None
        user = {column.key: row[f"owner_{column.key}"] for column in t.users.c}
        number = row["revision_number"]
        revision = None if number is None else int(number)  # no row: a store without a revision, nothing is kept
        return SessionCaller(self._map.to_entity(row), USERS.to_entity(user), revision, int(row["unread_count"] or 0))

    def delete_for_user(self, user_id: int) -> None:
        self._db.run(delete(self._t).where(self._t.c.user_id == user_id))


class Named(Repository[E]):
    """Bars and templates: unique names, looked up without regard to case."""

    def get_by_name(self, name: str) -> E | None:
        return self._one(self._t.c.name_key == name.lower())

    def list(self) -> list[E]:
        return self._select(order_by=[self._t.c.name_key])


class Themes(Repository[ThemePeriod]):
    def get_for_month(self, year: int, month: int) -> ThemePeriod | None:
        return self._one(self._t.c.year == year, self._t.c.month == month)

    def list(self, year: int | None = None) -> list[ThemePeriod]:
        where = [self._t.c.year == year] if year is not None else []
        return self._select(*where, order_by=[self._t.c.year, self._t.c.month])


def event_filters(
    start: Any, end: Any, bar_id: Any, cancelled: bool | None = None, name: str | None = None
) -> list[ColumnElement[bool]]:
    """Events from ``start`` to ``end`` (either end open) at ``bar_id`` (any bar when None); values or bound
    parameters. ``cancelled`` and ``name`` as ``EventRepository.list`` takes them."""
    c = t.events.c
    where: list[ColumnElement[bool]] = []
    if cancelled is not None:
        where.append(c.cancelled_at.is_not(None) if cancelled else c.cancelled_at.is_(None))
    if name is not None:
        where.append(c.search_key.contains(search_key(name), autoescape=True))
    if start is not None:
        where.append(c.date >= start)
    if end is not None:
        where.append(c.date <= end)
    if bar_id is not None:
        where.append(c.id.in_(select(t.event_bars.c.event_id).where(t.event_bars.c.bar_id == bar_id)))
    return where


class Events(Repository[Event]):
    """Events with their bars, kept in order in ``event_bars``; deleting an event cascades in the database."""

    def add(self, event: Event) -> Event:
        super().add(event)
        self._link_bars(event)
        return event

    def update(self, event: Event) -> None:
        super().update(event)
        self._db.run(delete(t.event_bars).where(t.event_bars.c.event_id == event.id))
        self._link_bars(event)

    def list(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        bar_id: int | None = None,
        *,
        cancelled: bool | None = None,
        name: str | None = None,
    ) -> list[Event]:
        where = event_filters(start, end, bar_id, cancelled, name)
        return self._select(*where, order_by=[self._t.c.date, self._t.c.name_key])

    def get_many(self, event_ids: Iterable[int]) -> builtins.list[Event]:
        return self._select(self._t.c.id.in_(list(event_ids)), order_by=[self._t.c.date, self._t.c.name_key])

    def _select(
        self,
        *where: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
        for_update: bool = False,
        offset: int = 0,
    ) -> builtins.list[Event]:
        found = super()._select(*where, order_by=order_by, limit=limit, for_update=for_update, offset=offset)
        bar_ids = self._bar_ids([e.id for e in found if e.id is not None])
        for event in found:
            event.bar_ids = bar_ids.get(event.id or 0, [])
        return found

    def _bar_ids(self, event_ids: builtins.list[int]) -> dict[int, builtins.list[int]]:
        if not event_ids:
            return {}
        links = t.event_bars.c
        query = select(links.event_id, links.bar_id).where(links.event_id.in_(event_ids)).order_by(links.position)
        out: dict[int, builtins.list[int]] = {}
        for link in self._db.run(query):
            out.setdefault(link.event_id, []).append(link.bar_id)
        return out

    def _link_bars(self, event: Event) -> None:
        if event.bar_ids:
            rows = [{"event_id": event.id, "bar_id": b, "position": i} for i, b in enumerate(event.bar_ids)]
            self._db.run(insert(t.event_bars), rows)


class Deliverables(Repository[Deliverable]):
    def update(self, slot: Deliverable) -> None:
        changed = {**self._map.to_row(slot), "row_version": self._t.c.row_version + 1}
        self._db.run(update(self._t).where(self._t.c.id == slot.id).values(changed))
        slot.row_version += 1

    def list_for_events(self, event_ids: Iterable[int]) -> list[Deliverable]:
        wanted = list(event_ids)
        return self._select(self._t.c.event_id.in_(wanted)) if wanted else []

    def list_in_status(self, status: Status) -> list[Deliverable]:
        return self._select(self._t.c.status == Status(status).value)


class Assets(Repository[Asset]):
    def list_for_events(self, event_ids: Iterable[int]) -> list[Asset]:
        wanted = list(event_ids)
        return self._select(self._t.c.event_id.in_(wanted), order_by=[self._t.c.created_at]) if wanted else []

    def stored_bytes(self) -> int:
        hot = case((self._t.c.location == StorageTier.HOT.value, self._t.c.size), else_=0)
        return self._db.scalar_int(select(func.sum(hot + self._t.c.preview_size)))

    def get_by_upload(self, upload_id: str) -> Asset | None:
        return self._one(self._t.c.upload_id == upload_id)


class Leases:
    """Leases under the id their taker chose; a renewal is one guarded UPDATE, so an expired lease stays dead."""

    def __init__(self, db: Db, mapping: EntityMap[Lease]) -> None:
        self._db = db
        self._map = mapping
        self._t = mapping.table

    def add(self, lease: Lease) -> Lease:
        self._db.run(insert(self._t).values(id=lease.id, **self._map.to_row(lease)))
        return lease

    def list(self) -> builtins.list[Lease]:
        return [self._map.to_entity(row) for row in self._db.run(select(self._t).order_by(self._t.c.id)).mappings()]

    def renew(self, lease_id: str, until: dt.datetime, now: dt.datetime) -> bool:
        alive = update(self._t).where(self._t.c.id == lease_id, self._t.c.expires_at > now)
        return self._db.run(alive.values(expires_at=until)).rowcount == 1

    def delete(self, lease_ids: Iterable[str]) -> None:
        ids = list(lease_ids)
        if ids:
            self._db.run(delete(self._t).where(self._t.c.id.in_(ids)))


class Reservations(Repository[Reservation]):
    def lock(self) -> None:
        """Lock the quota's row until this transaction ends (SQLite's ``BEGIN IMMEDIATE`` already serialises)."""
        self._db.run(select(t.locks.c.name).where(t.locks.c.name == t.QUOTA_LOCK).with_for_update())

    def total(self) -> int:
        return self._db.scalar_int(select(func.sum(self._t.c.size)))

    def list(self) -> builtins.list[Reservation]:
        return self._select(order_by=[self._t.c.created_at])

    def unfinished_bytes(self, user_id: int) -> int:
        return self._db.scalar_int(select(func.sum(self._t.c.size)).where(self._t.c.user_id == user_id))

    def delete_for_lease(self, lease_id: str) -> None:
        self._db.run(delete(self._t).where(self._t.c.lease_id == lease_id))


class Comments(Repository[Comment]):
    def list_for_event(self, event_id: int) -> list[Comment]:
        return self._select(self._t.c.event_id == event_id, order_by=[self._t.c.created_at])


def settings_of(row: ColumnValues | None) -> TeamSettings:
    """The settings row as the core's settings; the defaults when there is none."""
    return TeamSettings(second_pair_of_eyes=bool(row["second_pair_of_eyes"])) if row else TeamSettings()


class Settings:
    """The team's settings: the one row ``SETTINGS_ROW`` (the defaults when it is missing)."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._t = t.settings

    def current(self) -> TeamSettings:
        return settings_of(self._db.run(select(self._t).where(self._t.c.id == t.SETTINGS_ROW)).mappings().first())

    def update(self, settings: TeamSettings) -> None:
        values = {"second_pair_of_eyes": settings.second_pair_of_eyes}
        saved = self._db.run(update(self._t).where(self._t.c.id == t.SETTINGS_ROW).values(values))
        if saved.rowcount == 0:
            self._db.run(insert(self._t).values(id=t.SETTINGS_ROW, **values))


class ActivityLog(Repository[Activity]):
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
        c = self._t.c
        filters = [
            c.event_id == event_id if event_id is not None else None,
            c.actor_id == actor_id if actor_id is not None else None,
            c.entity_type == entity_type if entity_type is not None else None,
            c.entity_id == entity_id if entity_id is not None else None,
            c.action == action if action is not None else None,
            c.action.startswith(action_prefix, autoescape=True) if action_prefix is not None else None,
            c.at >= since if since is not None else None,
            c.at <= until if until is not None else None,
        ]
        where = [f for f in filters if f is not None]
        return self._select(*where, order_by=[c.at.desc(), c.id.desc()], limit=limit, offset=offset)


class Queue(Repository[E]):
    """Outgoing messages or deliveries. A claim is one guarded UPDATE, so of two senders racing for one exactly one
    wins."""

    def due(self, now: dt.datetime, limit: int) -> builtins.list[E]:
        return self._select(*self._claimable(now), order_by=[self._t.c.next_attempt_at], limit=limit)

    def claim(self, message_id: int, token: str, now: dt.datetime, until: dt.datetime) -> bool:
        taken = update(self._t).where(self._t.c.id == message_id, *self._claimable(now))
        return self._db.run(taken.values(claim_token=token, claimed_until=until)).rowcount == 1

    def prune(self, sent_before: dt.datetime, failed_before: dt.datetime, limit: int) -> int:
        c = self._t.c
        sent = and_(c.status == OutboxStatus.SENT.value, self._sent_at < sent_before)
        given_up = and_(c.status == OutboxStatus.FAILED.value, c.next_attempt_at < failed_before)
        # The ids first: MariaDB takes no LIMIT in an IN subquery, nor ORDER BY ... LIMIT in a multi-table DELETE.
        ids = self._db.run(select(c.id).where(or_(sent, given_up)).order_by(c.id).limit(limit)).scalars().all()
        return self._db.run(delete(self._t).where(c.id.in_(ids))).rowcount if ids else 0

    @property
    def _sent_at(self) -> ColumnElement[dt.datetime]:
        """When a row went out: ``sent_at`` of a message, ``delivered_at`` of a webhook delivery."""
        return self._t.c.sent_at if "sent_at" in self._t.c else self._t.c.delivered_at

    def _claimable(self, now: dt.datetime) -> builtins.list[ColumnElement[bool]]:
        c = self._t.c
        return [
            c.status == OutboxStatus.PENDING.value,
            c.next_attempt_at <= now,
            or_(c.claimed_until.is_(None), c.claimed_until <= now),
        ]


class Outbox(Queue[OutboxMessage]):
    """Queued e-mails."""

    def lock_reminders(self) -> None:
        self._lock(t.REMINDERS_LOCK)

    def lock_digest(self) -> None:
        self._lock(t.DIGEST_LOCK)

    def _lock(self, name: str) -> None:
        """Lock that named row until this transaction ends (SQLite's ``BEGIN IMMEDIATE`` already serialises)."""
        self._db.run(select(t.locks.c.name).where(t.locks.c.name == name).with_for_update())

    def has_key(self, dedupe_key: str) -> bool:
        return self._one(self._t.c.dedupe_key == dedupe_key) is not None

    def list(self, failing_only: bool = False, limit: int | None = None) -> builtins.list[OutboxMessage]:
        c = self._t.c
        where = [c.status != OutboxStatus.SENT.value, c.last_error.is_not(None)] if failing_only else []
        return self._select(*where, order_by=[c.created_at.desc(), c.id.desc()], limit=limit)

    def claim_group(
        self, group_key: str, token: str, now: dt.datetime, until: dt.datetime
    ) -> builtins.list[OutboxMessage]:
        c = self._t.c
        free = [c.group_key == group_key, c.status == OutboxStatus.PENDING.value]
        held = or_(c.claimed_until.is_(None), c.claimed_until <= now)
        self._db.run(update(self._t).where(*free, held).values(claim_token=token, claimed_until=until))
        return self._select(c.claim_token == token, *free, order_by=[c.created_at])


class Follows(Repository[Follow]):
    def get(self, event_id: int, user_id: int) -> Follow | None:  # type: ignore[override]
        return self._one(self._t.c.event_id == event_id, self._t.c.user_id == user_id)

    def list_for_event(self, event_id: int) -> builtins.list[Follow]:
        return self._select(self._t.c.event_id == event_id, order_by=[self._t.c.at])


class Notifications(Repository[Notification]):
    def list_for_user(self, user_id: int, limit: int | None = None) -> builtins.list[Notification]:
        c = self._t.c
        return self._select(c.user_id == user_id, order_by=[c.created_at.desc(), c.id.desc()], limit=limit)

    def unread_count(self, user_id: int) -> int:
        c = self._t.c
        return self._db.scalar_int(select(func.count(c.id)).where(c.user_id == user_id, c.read_at.is_(None)))

    def mark_read(self, user_id: int, at: dt.datetime, ids: Sequence[int] | None = None) -> int:
        c = self._t.c
        where = [c.user_id == user_id, c.read_at.is_(None)]
        if ids is not None:
            if not ids:
                return 0
            where.append(c.id.in_(list(ids)))
        return self._db.run(update(self._t).where(*where).values(read_at=at)).rowcount


class Webhooks(Repository[Webhook]):
    """Webhooks; deleting one cascades to its deliveries in the database."""

    def list(self) -> list[Webhook]:
        return self._select()


class Deliveries(Queue[WebhookDelivery]):
    def list_for(self, webhook_id: int, limit: int) -> list[WebhookDelivery]:
        c = self._t.c
        return self._select(c.webhook_id == webhook_id, order_by=[c.created_at.desc(), c.id.desc()], limit=limit)


class Feeds(Repository[Feed]):
    def get_by_hash(self, secret_hash: str) -> Feed | None:
        return self._one(self._t.c.secret_hash == secret_hash)

    def for_user(self, user_id: int) -> Feed | None:
        return self._one(self._t.c.user_id == user_id)

    def for_bar(self, bar_id: int) -> Feed | None:
        return self._one(self._t.c.bar_id == bar_id)


USERS = EntityMap(
    User, t.users, enums={"role": Role, "language": Language}, keys={"email_key": "email", "name_key": "name"}
)
TOKENS = EntityMap(ApiToken, t.tokens)
SESSIONS = EntityMap(Session, t.sessions)
LOGIN_FAILURES = EntityMap(LoginFailure, t.login_failures)


def _hardware_json(screens: tuple[Screen, ...]) -> dict[str, Any]:
    """A bar's screens as its ``hardware`` column keeps them: ``{"screens": [{"kind", "label", "specs"}, ...]}``."""
    return {"screens": [attrs.asdict(screen) for screen in screens]}


def _screens(hardware: dict[str, Any]) -> tuple[Screen, ...]:
    return tuple(
        Screen(kind=s["kind"], label=s.get("label") or s["kind"], specs=s.get("specs") or "")
        for s in hardware.get("screens", [])
    )


BARS = EntityMap(
    Bar,
    t.bars,
    keys={"name_key": "name"},
    renamed={"screens": "hardware"},
    codecs={"screens": Codec(_hardware_json, _screens)},
)
THEMES = EntityMap(ThemePeriod, t.themes)
TEMPLATES = EntityMap(DeliverableTemplate, t.templates, keys={"name_key": "name"})
EVENTS = EntityMap(Event, t.events, keys={"name_key": "name"}, folded={"search_key": "name"})
DELIVERABLES = EntityMap(Deliverable, t.deliverables, enums={"status": Status})
ASSETS = EntityMap(Asset, t.assets, enums={"category": PhotoCategory, "location": StorageTier})
LEASES = EntityMap(Lease, t.leases)
RESERVATIONS = EntityMap(Reservation, t.reservations)
COMMENTS = EntityMap(Comment, t.comments, codecs={"anchor": Codec(Anchor.as_json, Anchor.from_json)})
ACTIVITY = EntityMap(Activity, t.activity)
OUTBOX = EntityMap(OutboxMessage, t.outbox, enums={"status": OutboxStatus})
WEBHOOKS = EntityMap(Webhook, t.webhooks, enums={"format": WebhookFormat, "language": Language})
DELIVERIES = EntityMap(WebhookDelivery, t.webhook_deliveries, enums={"status": OutboxStatus})
FEEDS = EntityMap(Feed, t.feeds)
FOLLOWS = EntityMap(Follow, t.follows)
NOTIFICATIONS = EntityMap(Notification, t.notifications, codecs={"message": Codec(message_as_json, message_from_json)})
