"""Engines per backend: SQLite tuned for concurrent writers, PostgreSQL and MySQL/MariaDB with pool checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from eventflow.config import ConfigError

#: The extra that installs each server backend's driver.
DRIVER_EXTRAS = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
#: Seconds a SQLite writer waits for the write lock before giving up.
SQLITE_BUSY_TIMEOUT = 30
#: Seconds before a pooled MySQL connection is replaced (hosts such as PythonAnywhere drop idle ones at 300 s).
MYSQL_RECYCLE = 280


class DatabaseError(ConfigError):
    """The database cannot be used as configured: bad URL, unreachable, or newer than this code."""


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise DatabaseError("%(url)r is not a database URL (e.g. sqlite:///var/eventflow.db)", url=url) from None


def create_engine_for(url: str) -> Engine:
    """A new engine for ``url``; SQLite files get their folder created."""
    parsed = parse_url(url)
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _create_folder(parsed)
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
    else:
        options["pool_pre_ping"] = True
    if backend in ("mysql", "mariadb"):
        options.update(pool_recycle=MYSQL_RECYCLE, connect_args={"charset": "utf8mb4"})
    try:
        engine = create_engine(parsed, **options)
    except NoSuchModuleError:
        raise DatabaseError("unsupported database URL scheme %(scheme)r", scheme=parsed.drivername) from None
    except ImportError as error:
        extra = DRIVER_EXTRAS.get(backend, backend)
        raise DatabaseError(
            "the %(driver)s driver is not installed (%(module)s): pip install 'eventflow[%(extra)s]'",
            driver=parsed.drivername,
            module=str(error.name),
            extra=extra,
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    if backend in ("mysql", "mariadb"):
        event.listen(engine, "connect", _mysql_connect)
    return engine


#: Execution option marking a unit of work's connection as read-only.
READ_ONLY = "eventflow_read_only"


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _create_folder(url: URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions away from the sqlite3 module, so that _sqlite_begin decides how they start
    # (SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _mysql_connect(dbapi_connection: Any, _record: Any) -> None:
    # JSON_ARRAYAGG (the page reads, adapters.sql.read_models) stops at group_concat_max_len, 1 MB by default: lift it
    # to what the server may send at all (max_allowed_packet).
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET SESSION group_concat_max_len = @@max_allowed_packet")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock up front: a deferred BEGIN that later writes cannot wait for the lock
    # (SQLite answers "database is locked" at once to avoid a deadlock), whatever the busy timeout.
    # Readers take a deferred BEGIN: in WAL mode they read a consistent snapshot beside the writer.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
