"""Alembic migrations: they build the schema the code expects, report where a database stands, and refuse
a database that a newer eventflow migrated."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, insert, select, text

from eventflow.adapters.sql import tables as t
from eventflow.adapters.sql.engine import DatabaseError, create_engine_for
from eventflow.adapters.sql.migrate import alembic_config, head_revision, status, upgrade
from eventflow.adapters.sql.tables import metadata
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.config import ConfigError
from tests.support.backends import SERVER_URL_VARIABLES, SQL_BACKENDS, server_url, throwaway_database


def url_of(factory: SqlUnitOfWorkFactory) -> str:
    return factory.engine.url.render_as_string(hide_password=False)


def test_the_migrated_schema_matches_the_tables_the_code_uses(sql_factory: SqlUnitOfWorkFactory) -> None:
    with sql_factory.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_a_migrated_database_is_at_the_latest_revision(sql_factory: SqlUnitOfWorkFactory) -> None:
    now = status(url_of(sql_factory))
    assert (now.current, now.behind, now.ahead) == (head_revision(), False, False)
    assert upgrade(url_of(sql_factory)) == (head_revision(), head_revision())


def test_an_empty_database_is_behind_until_upgraded_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no alembic.ini around: the migrations come from the package
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    before = status(url)
    assert (before.current, before.behind) == (None, True)
    assert upgrade(url) == (None, head_revision())
    assert not status(url).behind


def test_a_database_migrated_by_a_newer_eventflow_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    factory = SqlUnitOfWorkFactory.from_url(url)
    with factory.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    factory.dispose()
    assert status(url).ahead
    with pytest.raises(DatabaseError, match="the code is older than the database") as refused:
        SqlUnitOfWorkFactory.from_url(url)
    assert isinstance(refused.value, ConfigError)
    with pytest.raises(DatabaseError, match="9999_from_the_future"):
        upgrade(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("nosuchdb://x/y", "unsupported database URL"),
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "cannot use the database"),
    ],
)
def test_an_unusable_database_url_is_a_clear_error_without_the_password(url: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message) as refused:
        SqlUnitOfWorkFactory.from_url(url)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "driver", "extra"),
    [
        ("postgresql+psycopg://u:secret@127.0.0.1/db", "psycopg", "postgresql"),
        ("mysql+pymysql://u@h/db", "pymysql", "mysql"),
    ],
)
def test_a_server_database_without_its_driver_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, url: str, driver: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, driver, None)  # as if the extra had not been installed
    with pytest.raises(DatabaseError, match=rf"pip install 'eventflow\[{extra}\]'") as refused:
        SqlUnitOfWorkFactory.from_url(url)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_versions_numbered_twice_by_concurrent_uploads_are_renumbered_in_upload_order(
    backend: str, tmp_path: Path
) -> None:
    """0005 makes version numbers unique per slot; a database where racing uploads numbered two files alike is
    renumbered first (by id, the order they were stored), and slots without duplicates keep their numbers."""
    if backend != "sqlite" and server_url(backend) is None:
        pytest.skip(f"{backend}: set {SERVER_URL_VARIABLES[backend]} to run against it")
    with throwaway_database(backend, tmp_path) as url:
        engine = create_engine_for(url)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0004")
            raced, kept = stored_slots(connection)
            for number in (1, 1, 2, 2, 2, 3, 3, 3):
                store_asset(connection, raced, number)
            for number in (1, 2, 4):
                store_asset(connection, kept, number)
            store_asset(connection, None, None)
            store_asset(connection, None, None)
        engine.dispose()

        upgrade(url)

        factory = SqlUnitOfWorkFactory.from_url(url)
        with factory() as uow:
            assets = uow.assets.list_for_events([uow.deliverables.get(raced).event_id])  # type: ignore[union-attr]
            assert [a.version for a in assets if a.deliverable_id == raced] == [1, 2, 3, 4, 5, 6, 7, 8]
            assert [a.version for a in assets if a.deliverable_id == kept] == [1, 2, 4]
            assert [a.version for a in assets if a.deliverable_id is None] == [None, None]
            assert uow.deliverables.get(kept).row_version == 1  # type: ignore[union-attr]
        factory.dispose()


def stored_slots(connection: Connection) -> tuple[int, int]:
    bar = connection.execute(
        insert(t.bars).values(name="Bar", name_key="bar", location="", hardware={})
    ).inserted_primary_key[0]
    event_id = connection.execute(
        insert(t.events).values(
            name="Nuit", name_key="nuit", date=dt.date(2026, 12, 12), description="", brief="", notes=""
        )
    ).inserted_primary_key[0]
    connection.execute(insert(t.event_bars).values(event_id=event_id, bar_id=bar, position=0))
    slot = insert(t.deliverables).values(event_id=event_id, specs="", status="review", enabled=True)
    raced = connection.execute(slot.values(name="Raced")).inserted_primary_key[0]
    kept = connection.execute(slot.values(name="Kept")).inserted_primary_key[0]
    return raced, kept


def store_asset(connection: Connection, slot_id: int | None, version: int | None) -> None:
    event_id = connection.execute(select(t.events.c.id)).scalar_one()
    connection.execute(
        insert(t.assets).values(
            event_id=event_id,
            filename="f.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            storage_key=uuid.uuid4().hex,
            created_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
            deliverable_id=slot_id,
            version=version,
            location="hot",
            preview_size=0,
            media_info={},
        )
    )
