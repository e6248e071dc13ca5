"""Migration 0014, on every configured backend: the audit log's indexes by who acted and by action, and the named
lock digest runs take turns on; its downgrade removes them and a second upgrade puts them back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, select

from eventflow.adapters.sql.tables import DIGEST_LOCK, locks
from tests.integration.sql.test_migration_0008 import migrate
from tests.support.backends import throwaway_databases

INDEXES = {"ix_activity_actor_id_at": ["actor_id", "at"], "ix_activity_action_at": ["action", "at"]}


def added(url: str) -> tuple[dict[str, list[str]], list[str]]:
    """The indexes of 0014 the database has, and its named locks."""
    engine = create_engine(url)
    try:
        indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("activity")}
        with engine.connect() as connection:
            names = sorted(connection.execute(select(locks.c.name)).scalars())
    finally:
        engine.dispose()
    return {name: columns for name, columns in indexes.items() if name in INDEXES}, names


def test_the_upgrade_adds_the_indexes_and_the_lock_and_the_downgrade_removes_them(tmp_path: Path) -> None:
    with throwaway_databases(tmp_path) as databases:
        for backend, url in databases:
            migrate(url, "0014")
            assert added(url) == (INDEXES, sorted(["quota", "reminders", DIGEST_LOCK])), backend
            migrate(url, "0013", down=True)
            assert added(url) == ({}, ["quota", "reminders"]), backend
            migrate(url, "0014")
            assert added(url) == (INDEXES, sorted(["quota", "reminders", DIGEST_LOCK])), backend
