"""The SQL unit of work (one connection, one transaction) and its factory (one engine)."""

from __future__ import annotations

from typing import Self

from sqlalchemy import Connection, Engine, exists, select, update

from eventflow.adapters.sql import repositories as r
from eventflow.adapters.sql import tables
from eventflow.adapters.sql.engine import READ_ONLY, create_engine_for
from eventflow.adapters.sql.migrate import upgrade_if_behind
from eventflow.adapters.sql.read_models import SqlReadModels


class SqlUnitOfWork:
    """One transaction on its own connection. Leaving the ``with`` block without ``commit()`` rolls back."""

    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None
        self._db: r.Db | None = None

    def __enter__(self) -> Self:
        self._connection = self._engine.connect().execution_options(**{READ_ONLY: self._read_only})
        try:
            with r.translated():  # SQLite: BEGIN IMMEDIATE (the write lock up front), or BEGIN to only read
                self._connection.begin()
        except BaseException:
            self._connection.close()
            raise
        db = self._db = r.Db(self._connection)
        self.users = r.Users(db, r.USERS)
        self.tokens = r.Tokens(db, r.TOKENS)
        self.sessions = r.Sessions(db, r.SESSIONS)
        self.login_failures = r.LoginFailures(db, r.LOGIN_FAILURES)
        self.bars = r.Named(db, r.BARS)
        self.themes = r.Themes(db, r.THEMES)
        self.templates = r.Named(db, r.TEMPLATES)
        self.events = r.Events(db, r.EVENTS)
        self.deliverables = r.Deliverables(db, r.DELIVERABLES)
        self.assets = r.Assets(db, r.ASSETS)
        self.leases = r.Leases(db, r.LEASES)
        self.reservations = r.Reservations(db, r.RESERVATIONS)
        self.comments = r.Comments(db, r.COMMENTS)
        self.activity = r.ActivityLog(db, r.ACTIVITY)
        self.outbox = r.Outbox(db, r.OUTBOX)
        self.read_models = SqlReadModels(db)
        self.webhooks = r.Webhooks(db, r.WEBHOOKS)
        self.deliveries = r.Deliveries(db, r.DELIVERIES)
        self.feeds = r.Feeds(db, r.FEEDS)
        self.settings = r.Settings(db)
        self.follows = r.Follows(db, r.FOLLOWS)
        self.notifications = r.Notifications(db, r.NOTIFICATIONS)
        return self

    def __exit__(self, *exc_info: object) -> None:
        connection = self._open()
        self._connection = None
        try:
            connection.rollback()
        finally:
            connection.close()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        connection = self._open()
        with r.translated():
            if self._db is not None and self._db.content_changed:  # what pages show changed: their caches must let go
                revision = tables.revision.c
                connection.execute(
                    update(tables.revision).where(revision.id == tables.REVISION_ROW).values(number=revision.number + 1)
                )
            connection.commit()

    def has_data(self) -> bool:
        stored = [exists().select_from(table) for table in (tables.users, tables.bars, tables.events)]
        return any(self._open().execute(select(*stored)).one())

    def _open(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._connection


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine; call it for a new one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, migrate: bool = True) -> SqlUnitOfWorkFactory:
        """A factory on a new engine for ``url``; with ``migrate`` the database is first brought to the latest
        revision (raising :class:`DatabaseError` when it is unreachable or newer than this code)."""
        engine = create_engine_for(url)
        if migrate:
            try:
                upgrade_if_behind(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    def __call__(self, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only)

    def dispose(self) -> None:
        """Close every pooled connection (tests, and processes that fork)."""
        self.engine.dispose()
