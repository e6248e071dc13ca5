"""Throwaway databases on every configured backend, for tests that need the real thing.

SQLite always; PostgreSQL when ``EVENTFLOW_TEST_POSTGRES_URL`` is set and MariaDB/MySQL when
``EVENTFLOW_TEST_MYSQL_URL`` is set. A server database gets a random name (``eventflow_t_<hex>``) and is
dropped afterwards, so runs never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

from eventflow.adapters.sql.tables import locks, metadata, revision
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory

SERVER_URL_VARIABLES = {"postgresql": "EVENTFLOW_TEST_POSTGRES_URL", "mariadb": "EVENTFLOW_TEST_MYSQL_URL"}
SQL_BACKENDS = ("sqlite", *SERVER_URL_VARIABLES)


def server_url(backend: str) -> str | None:
    """The server URL given for ``backend`` by the environment, or None when that backend is not configured."""
    return os.environ.get(SERVER_URL_VARIABLES[backend]) or None


def configured_backends() -> list[str]:
    """SQLite, plus each server backend whose URL is set."""
    return [name for name in SQL_BACKENDS if name == "sqlite" or server_url(name)]


@contextmanager
def throwaway_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend`` (SQLite: a file in ``folder``), dropped on exit."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'eventflow_t_{uuid.uuid4().hex[:8]}.db'}"
        return
    base = server_url(backend)
    if base is None:
        raise LookupError(f"{SERVER_URL_VARIABLES[backend]} is not set")
    name = f"eventflow_t_{uuid.uuid4().hex[:12]}"
    charset = " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if backend == "mariadb" else ""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}{charset}"))
        try:
            yield make_url(base).set(database=name).render_as_string(hide_password=False)
        finally:
            force = " WITH (FORCE)" if backend == "postgresql" else ""
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
    finally:
        admin.dispose()


@contextmanager
def throwaway_databases(folder: Path) -> Iterator[Iterator[tuple[str, str]]]:
    """``(backend, url)`` of a new database on each configured backend, all dropped on exit::

    with throwaway_databases(tmp_path) as databases:
        for backend, url in databases:
            ...
    """
    with ExitStack() as stack:
        yield ((backend, stack.enter_context(throwaway_database(backend, folder))) for backend in configured_backends())


class Databases:
    """One migrated throwaway database per SQL backend, made on first use and dropped at the end."""

    def __init__(self, stack: ExitStack, folder: Path) -> None:
        self._stack = stack
        self._folder = folder
        self._factories: dict[str, SqlUnitOfWorkFactory] = {}

    def factory(self, backend: str) -> SqlUnitOfWorkFactory:
        if backend != "sqlite" and server_url(backend) is None:
            pytest.skip(f"{backend}: set {SERVER_URL_VARIABLES[backend]} to run against it")
        if backend not in self._factories:
            url = self._stack.enter_context(throwaway_database(backend, self._folder))
            factory = SqlUnitOfWorkFactory.from_url(url)
            self._stack.callback(factory.dispose)
            self._factories[backend] = factory
        return self._factories[backend]


def empty(factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    """Delete every row the application wrote; the rows migrations seed (named locks, the revision) stay."""
    with factory.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if table not in (locks, revision):
                connection.execute(delete(table))
    return factory
