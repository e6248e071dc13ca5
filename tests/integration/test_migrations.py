"""Alembic migrations: they build the schema the code expects, report where a database stands, and refuse
a database that a newer eventflow migrated."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from eventflow.adapters.sql import DatabaseError, SqlUnitOfWorkFactory, status, upgrade
from eventflow.adapters.sql.migrate import head_revision
from eventflow.adapters.sql.tables import metadata
from eventflow.config import ConfigError


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
