"""Database snapshots for backups, each backend by its documented tool, while the app keeps running.

- SQLite: the online backup API (``sqlite3.Connection.backup``) into a temporary copy; the file rows are read from
  that copy, so they are the snapshot's by construction. Restored by putting the file in place.
- PostgreSQL: one REPEATABLE READ transaction exports its snapshot (``pg_export_snapshot()``), reads the file rows,
  and ``pg_dump --snapshot`` dumps exactly that state (custom format) while the transaction stays open.
  Restored with ``pg_restore --single-transaction --exit-on-error`` into an empty database.
- MariaDB/MySQL: ``mariadb-dump --single-transaction`` (or ``mysqldump``), then the file rows read at once: a
  file uploaded in between is listed though the dump lacks its row, which a restore only reports as an orphan.
  Restored with ``mariadb`` (or ``mysql``) reading the dump.

Passwords go to the tools through their environment (``PGPASSWORD``, ``MYSQL_PWD``), never their command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.engine import URL

from eventflow.adapters.sql import repositories as r
from eventflow.adapters.sql import tables as t
from eventflow.adapters.sql.engine import DatabaseError, create_engine_for, parse_url
from eventflow.core import errors
from eventflow.core.model import Asset
from eventflow.core.ports import BackupPlace, DatabaseDump

CHUNK = 1024 * 1024
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump", "mysql": "database.sql"}


class SqlDatabaseBackup:
    """Snapshots of the database at ``url`` (see the module's docstring for each backend)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._parsed = parse_url(url)
        backend = self._parsed.get_backend_name()
        self.backend = "mysql" if backend == "mariadb" else backend
        if self.backend not in DUMP_NAMES:
            raise DatabaseError("backups of %(backend)s databases are not supported", backend=backend)

    # -- dump ----------------------------------------------------------------------------------------------------
    def dump(self, place: BackupPlace) -> tuple[DatabaseDump, list[Asset]]:
        name = DUMP_NAMES[self.backend]
        if self.backend == "sqlite":
            with self._sqlite_copy() as copy:
                revision, assets = _read_snapshot(f"sqlite:///{copy}")
                with copy.open("rb") as f:
                    blob = place.write(name, f)
        elif self.backend == "postgresql":
            blob, revision, assets = self._dump_postgresql(place, name)
        else:
            blob = self._run_tool(_mysql_dump(self._parsed), place, name)
            revision, assets = _read_snapshot(self.url)
        return DatabaseDump(name, self.backend, revision, blob.size, blob.sha256), assets

    @contextmanager
    def _sqlite_copy(self) -> Iterator[Path]:
        source = Path(self._parsed.database or "")
        if not source.is_file():
            raise errors.NotFound("SQLite database", source)
        with tempfile.TemporaryDirectory(prefix="eventflow-backup-") as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            live, target = sqlite3.connect(source), sqlite3.connect(copy)
            try:
                live.backup(target)  # pages copied under a read lock: writers go on beside it (WAL)
            finally:
                live.close()
                target.close()
            yield copy

    def _dump_postgresql(self, place: BackupPlace, name: str) -> tuple[Any, str | None, list[Asset]]:
        engine = create_engine_for(self.url)
        try:
            repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
            with repeatable as connection, connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                revision, assets = _snapshot_rows(connection)
                command = [*_pg_command("pg_dump", self._parsed), "--format=custom", f"--snapshot={snapshot}"]
                blob = self._run_tool(command, place, name)
        finally:
            engine.dispose()
        return blob, revision, assets

    def _run_tool(self, command: list[str], place: BackupPlace, name: str) -> Any:
        """Run a dump tool, its output streamed into ``place`` as ``name``; its errors as one line."""
        with _tool(command, self._parsed, stdout=subprocess.PIPE) as (process, stderr):
            assert process.stdout is not None
            blob = place.write(name, process.stdout)
        _check(process, stderr, command[0])
        return blob

    # -- restore -------------------------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        if self.backend == "sqlite":
            database = Path(self._parsed.database or "")
            if not database.exists():
                return True
        engine = create_engine_for(self.url)
        try:
            return not inspect(engine).get_table_names()
        finally:
            engine.dispose()

    def load(self, place: BackupPlace, dump: DatabaseDump) -> None:
        if dump.backend != self.backend:
            raise errors.Conflict(
                "the backup holds a %(backend)s database; the configured one is %(backend2)s",
                backend=dump.backend,
                backend2=self.backend,
            )
        if self.backend == "sqlite":
            self._load_sqlite(place, dump)
            return
        if self.backend == "postgresql":
            command = [*_pg_command("pg_restore", self._parsed), "--single-transaction", "--exit-on-error"]
        else:
            command = _mysql_command(self._parsed)
        with _tool(command, self._parsed, stdin=subprocess.PIPE) as (process, stderr):
            assert process.stdin is not None
            with place.open(dump.name) as source:
                try:
                    shutil.copyfileobj(source, process.stdin, CHUNK)
                except BrokenPipeError:
                    pass  # the tool stopped early: its exit status and message say why
                finally:
                    process.stdin.close()
        _check(process, stderr, command[0])

    def _load_sqlite(self, place: BackupPlace, dump: DatabaseDump) -> None:
        target = Path(self._parsed.database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)  # an empty database (no table) may have left these
        partial = target.with_name(f".{target.name}.restoring")
        with place.open(dump.name) as source, partial.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)


def _read_snapshot(url: str) -> tuple[str | None, list[Asset]]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection, connection.begin():
            return _snapshot_rows(connection)
    finally:
        engine.dispose()


def _snapshot_rows(connection: Connection) -> tuple[str | None, list[Asset]]:
    """The schema's revision and every file row, read in the caller's transaction."""
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    rows = connection.execute(select(t.assets).order_by(t.assets.c.id)).mappings()
    return revision, [r.ASSETS.to_entity(dict(row)) for row in rows]


def _pg_command(tool: str, url: URL) -> list[str]:
    return [
        tool,
        "--no-owner",
        "--no-privileges",
        f"--host={url.host or 'localhost'}",
        f"--port={url.port or 5432}",
        f"--username={url.username or os.environ.get('USER', 'postgres')}",
        f"--dbname={url.database}",
    ]


def _mysql_dump(url: URL) -> list[str]:
    tool = shutil.which("mariadb-dump") or "mysqldump"
    return [tool, *_mysql_connection(url), "--single-transaction", "--skip-lock-tables", "--no-tablespaces",
            str(url.database)]  # fmt: skip


def _mysql_command(url: URL) -> list[str]:
    return [shutil.which("mariadb") or "mysql", *_mysql_connection(url), str(url.database)]


def _mysql_connection(url: URL) -> list[str]:
    return [f"--host={url.host or 'localhost'}", f"--port={url.port or 3306}", f"--user={url.username or 'root'}"]


@contextmanager
def _tool(command: list[str], url: URL, **pipes: Any) -> Iterator[tuple[subprocess.Popen[bytes], list[bytes]]]:
    """Start a database tool with the password in its environment; its stderr collected beside it."""
    env = {**os.environ, "PGPASSWORD": url.password or "", "MYSQL_PWD": url.password or ""}
    try:
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, **pipes)
    except FileNotFoundError:
        raise DatabaseError("%(tool)s is not installed: install the database's client tools", tool=command[0]) from None
    stderr: list[bytes] = []
    assert process.stderr is not None
    reader = threading.Thread(target=lambda out: stderr.append(out.read()), args=(process.stderr,), daemon=True)
    reader.start()
    try:
        yield process, stderr
    except BaseException:
        process.kill()
        raise
    finally:
        process.wait()
        reader.join()


def _check(process: subprocess.Popen[bytes], stderr: list[bytes], tool: str) -> None:
    if process.returncode != 0:
        message = " ".join(b"".join(stderr).decode(errors="replace").split())[-400:]
        raise errors.Conflict(
            "%(tool)s failed (exit %(returncode)s): %(the_message)s",
            tool=tool,
            returncode=process.returncode,
            the_message=message,
        )
