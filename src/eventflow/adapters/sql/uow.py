"""The SQL unit of work (one connection, one transaction) and its factory (one engine)."""

from __future__ import annotations

from typing import Self

from sqlalchemy import Connection, Engine, exists, select
from sqlalchemy.exc import IntegrityError

from eventflow.adapters.sql import tables
from eventflow.adapters.sql.engine import create_engine_for
from eventflow.adapters.sql.migrate import upgrade_engine
from eventflow.adapters.sql.repositories import (
    MAPS,
    ActivityLog,
    Assets,
    Comments,
    Db,
    Deliverables,
    Events,
    Named,
    Reservations,
    Sessions,
    Themes,
    Tokens,
    Users,
    explain,
)
from eventflow.core.errors import Conflict
from eventflow.core.model import Bar, DeliverableTemplate


class SqlUnitOfWork:
    """One transaction on its own connection. Leaving the ``with`` block without ``commit()`` rolls back."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        self._connection = self._engine.connect()
        try:
            self._connection.begin()  # SQLite: BEGIN IMMEDIATE, the write lock up front
        except BaseException:
            self._connection.close()
            raise
        db = Db(self._connection)
        self.users = Users(db, MAPS["users"])
        self.tokens = Tokens(db, MAPS["tokens"])
        self.sessions = Sessions(db, MAPS["sessions"])
        self.bars = Named[Bar](db, MAPS["bars"])
        self.themes = Themes(db, MAPS["themes"])
        self.templates = Named[DeliverableTemplate](db, MAPS["templates"])
        self.events = Events(db, MAPS["events"])
        self.deliverables = Deliverables(db, MAPS["deliverables"])
        self.assets = Assets(db, MAPS["assets"])
        self.reservations = Reservations(db, MAPS["reservations"])
        self.comments = Comments(db, MAPS["comments"])
        self.activity = ActivityLog(db, MAPS["activity"])
        return self

    def __exit__(self, *exc_info: object) -> None:
        connection = self._open()
        self._connection = None
        try:
            connection.rollback()
        finally:
            connection.close()

    def commit(self) -> None:
        try:
            self._open().commit()
        except IntegrityError as error:
            raise Conflict(explain(error)) from error

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
                upgrade_engine(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection (tests, and processes that fork)."""
        self.engine.dispose()
