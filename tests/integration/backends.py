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

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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
