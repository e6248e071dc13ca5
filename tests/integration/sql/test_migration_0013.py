"""Migration 0013 gives the nights planned before it their search key (so a search finds them, accents and case
ignored) and keeps them all on (none cancelled); its downgrade removes both columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from tests.integration.sql.test_migration_0008 import migrate


def test_existing_nights_are_found_by_name_after_the_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    migrate(url, "0012")
    engine = create_engine(url)
    with engine.begin() as connection:
        for name in ("Café Théâtre", "Nuit Électro"):
            connection.execute(
                text("INSERT INTO events (name, name_key, date, description, brief, notes, sequence) "
                     "VALUES (:n, :k, '2026-12-12', '', '', '', 0)"),
                {"n": name, "k": name.lower()},
            )  # fmt: skip
    engine.dispose()

    migrate(url, "0013")
    factory = SqlUnitOfWorkFactory.from_url(url)
    try:
        with factory() as uow:
            assert [e.name for e in uow.events.list(name="cafe theatre")] == ["Café Théâtre"]
            assert [e.name for e in uow.events.list(name="ELECTRO", cancelled=False)] == ["Nuit Électro"]
            assert uow.events.list(start=dt.date(2026, 12, 1), cancelled=True) == []
    finally:
        factory.dispose()

    migrate(url, "0012", down=True)
    engine = create_engine(url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("events")}
    finally:
        engine.dispose()
    assert not {"cancelled_at", "search_key"} & columns
