"""Alembic, configured from the package (no alembic.ini needed): upgrade to the latest revision, and status.

Where a database stands is read without Alembic (its import and script loading cost more than the command a
user runs): the revisions shipped are the migration files' names, the stored one the ``alembic_version`` row.
Alembic is loaded only to migrate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

from eventflow.adapters.sql.engine import READ_ONLY, DatabaseError, create_engine_for

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
#: Arbitrary key of the server-side lock that makes concurrent starts migrate one after the other.
LOCK_KEY = 7_202_611
LOCK_NAME = "eventflow_migrations"
LOCK_WAIT_SECONDS = 60


@frozen
class DbStatus:
    """Where a database stands against the migrations this code ships."""

    current: str | None
    head: str
    known: bool

    @property
    def behind(self) -> bool:
        """The database needs ``eventflow db upgrade`` (or an empty one needs creating)."""
        return self.known and self.current != self.head

    @property
    def ahead(self) -> bool:
        """The database was migrated by a newer eventflow than this one."""
        return not self.known


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for eventflow's own migrations; ``connection`` is used by ``env.py``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def shipped_revisions() -> list[str]:
    """The revisions this code ships, oldest first, known without loading a migration: each file is named after its
    revision and the revisions are numbered in order (``0004_revision.py`` holds ``0004``, which revises ``0003``;
    a test holds the files to it)."""
    return sorted(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def head_revision() -> str:
    revisions = shipped_revisions()
    assert revisions, "the package ships no migration"
    return revisions[-1]


def upgrade(url: str) -> tuple[str | None, str]:
    """Bring the database at ``url`` to the latest revision; returns ``(revision before, revision now)``.

    ``None`` as the first revision means the database was empty. Raises :class:`DatabaseError` when the
    database is unreachable or was migrated by a newer eventflow than this one.
    """
    engine = create_engine_for(url)
    try:
        return upgrade_engine(engine)
    finally:
        engine.dispose()


def status(url: str) -> DbStatus:
    """The revision the database at ``url`` is at, the latest this code knows, and whether it is behind or ahead."""
    engine = create_engine_for(url)
    try:
        return _read_status(engine)
    finally:
        engine.dispose()


def upgrade_if_behind(engine: Engine) -> None:
    """:func:`upgrade_engine` when the database is not at the latest revision.

    Every start but the first after a release finds it there with a read of the version table, taking no lock (a
    start does not wait behind a writer) and loading no Alembic; a migration reads it again under its lock.
    """
    state = _read_status(engine)
    if state.current != state.head:  # behind, empty, or newer than this code: upgrade_engine says which
        upgrade_engine(engine)


def upgrade_engine(engine: Engine) -> tuple[str | None, str]:
    """:func:`upgrade` on an engine already made; one transaction where the backend allows DDL in one.

    The lock is taken before that transaction begins and released after it ends: released inside it, the next
    process could read the version row before the last migration's update of it is committed (MariaDB's DDL
    commits on its own, its version row does not) and run that migration again.
    """
    with _reachable(engine), engine.connect() as connection, _migration_lock(connection), connection.begin():
        before = _status(connection)
        if before.ahead:
            raise DatabaseError(
                "the database is at revision %(current)s, which this eventflow does not know: "
                "the code is older than the database (latest known revision %(head)s); "
                "install the eventflow that migrated it",
                current=str(before.current),
                head=before.head,
            )
        if before.behind:
            from alembic import command

            command.upgrade(alembic_config(connection), "head")
        return before.current, before.head


def stored_revision(connection: Connection) -> str | None:
    """The revision the database was migrated to; None for an empty one (no version table yet)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    revision: str | None = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one_or_none()
    return revision


def _read_status(engine: Engine) -> DbStatus:
    with _reachable(engine), engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        return _status(connection)


def _status(connection: Connection) -> DbStatus:
    current = stored_revision(connection)
    return DbStatus(current=current, head=head_revision(), known=current is None or current in shipped_revisions())


@contextmanager
def _reachable(engine: Engine) -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseError(
            "cannot use the database %(where)s: %(error)s", where=where, error=str(error.orig)
        ) from error


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    """Server databases: one migrating process at a time, a session lock held across the migration's transaction
    (SQLite's BEGIN IMMEDIATE already does it)."""
    backend = connection.dialect.name
    if backend == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
    elif backend in ("mysql", "mariadb"):
        taken = connection.execute(
            text("SELECT GET_LOCK(:name, :wait)"), {"name": LOCK_NAME, "wait": LOCK_WAIT_SECONDS}
        ).scalar()
        if taken != 1:
            connection.rollback()
            raise DatabaseError(
                "another eventflow has been migrating the database for over %(seconds)s s: "
                "wait for it to finish, then start again",
                seconds=LOCK_WAIT_SECONDS,
            )
    connection.commit()  # the lock query began a transaction: the migration's own begins after it
    try:
        yield
    finally:
        if backend == "postgresql":
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        elif backend in ("mysql", "mariadb"):
            connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})
        connection.commit()
