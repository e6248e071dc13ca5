"""The schema check every start makes: a read of the stored revision against the one named by the migration files,
with Alembic loaded only for a database that is behind (or empty, or newer than the code)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from eventflow.adapters.sql.engine import create_engine_for
from eventflow.adapters.sql.migrate import alembic_config, head_revision, shipped_revisions, status
from eventflow.adapters.sql.tables import metadata
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.core.model import ThemePeriod
from tests.support.backends import SERVER_URL_VARIABLES, SQL_BACKENDS, server_url, throwaway_database

STARTS = 3


@pytest.fixture(params=SQL_BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database on each configured backend."""
    if request.param != "sqlite" and server_url(request.param) is None:
        pytest.skip(f"{request.param}: set {SERVER_URL_VARIABLES[request.param]} to run against it")
    with throwaway_database(request.param, tmp_path) as url:
        yield url


def test_the_migration_files_name_alembics_revisions_in_order() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    oldest_first = [revision.revision for revision in reversed(list(script.walk_revisions()))]

    assert shipped_revisions() == oldest_first
    assert head_revision() == script.get_current_head()


def test_a_start_or_a_status_on_an_up_to_date_sqlite_database_does_not_wait_behind_a_writer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    factory = SqlUnitOfWorkFactory.from_url(url)
    with factory() as writer:  # holds SQLite's write lock until the end of the block
        writer.themes.add(ThemePeriod(2026, 12, "Written meanwhile"))
        began = time.monotonic()
        with ThreadPoolExecutor(1) as pool:
            pool.submit(SqlUnitOfWorkFactory.from_url, url).result(timeout=5).dispose()
            stood = pool.submit(status, url).result(timeout=5)
        waited = time.monotonic() - began
        writer.commit()
    factory.dispose()

    assert waited < 1
    assert (stood.current, stood.behind, stood.ahead) == (head_revision(), False, False)


def test_a_database_left_behind_by_an_older_eventflow_is_migrated_on_start(fresh_url: str) -> None:
    engine = create_engine_for(fresh_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), shipped_revisions()[-2])
    engine.dispose()

    factory = SqlUnitOfWorkFactory.from_url(fresh_url)

    assert status(fresh_url).current == head_revision()
    with factory.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata) == []
    factory.dispose()


def start(url: str, ready: Barrier) -> None:
    ready.wait()
    SqlUnitOfWorkFactory.from_url(url).dispose()


@pytest.mark.slow
def test_starts_at_once_on_an_empty_database_migrate_it_once_and_all_succeed(fresh_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Barrier(STARTS)
    starts = [spawn.Process(target=start, args=(fresh_url, ready)) for _ in range(STARTS)]
    for process in starts:
        process.start()
    for process in starts:
        process.join(timeout=60)

    assert [process.exitcode for process in starts] == [0] * STARTS
    assert status(fresh_url).current == head_revision()
