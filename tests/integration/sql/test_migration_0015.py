"""Migration 0015, on every configured backend: inbox lines get a ``message`` column; the lines written before keep
their text and have no message (they show as written); the downgrade removes the column and keeps every line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import create_engine, func, insert, inspect, select

from eventflow.adapters.sql import tables as t
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.core.i18n import Message
from eventflow.core.model import Notification
from tests.integration.sql.test_migration_0008 import migrate
from tests.support.backends import throwaway_databases

AT = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
OLD = "Ada a validé « Affiche » de « Soirée Disco » (12 décembre 2026)."


def a_line_written_before(url: str) -> int:
    """Léa, and one line of her inbox as 0014 kept it: finished French text."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            user_id = connection.execute(
                insert(t.users).values(email="lea@bars.fr", email_key="lea@bars.fr", name="Léa", name_key="léa",
                                       role="member", active=True, language="en", my_bar_ids=[], notifications=[])
            ).inserted_primary_key[0]  # fmt: skip
            connection.execute(
                insert(t.notifications).values(user_id=user_id, kind="approved", text=OLD, created_at=AT)
            )
    finally:
        engine.dispose()
    return int(user_id)


def columns_and_lines(url: str) -> tuple[set[str], int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            lines = connection.execute(select(func.count()).select_from(t.notifications)).scalar_one()
        return {c["name"] for c in inspect(engine).get_columns("notifications")}, lines
    finally:
        engine.dispose()


def test_lines_written_before_keep_their_text_and_the_downgrade_keeps_every_line(tmp_path: Path) -> None:
    said = Message("%(actor)s approved “%(slot)s”.", {"actor": "Ada", "slot": "Affiche", "on": dt.date(2026, 12, 12)})
    with throwaway_databases(tmp_path) as databases:
        for backend, url in databases:
            migrate(url, "0014")
            lea = a_line_written_before(url)
            migrate(url, "0015")
            factory = SqlUnitOfWorkFactory.from_url(url)
            try:
                with factory() as uow:
                    (old,) = uow.notifications.list_for_user(lea)
                    assert (old.text, old.message) == (OLD, None), backend
                    uow.notifications.add(Notification(lea, "approved", "Ada approved “Affiche”.", AT, message=said))
                    uow.commit()
                with factory() as uow:
                    assert [n.message for n in uow.notifications.list_for_user(lea)] == [said, None], backend
            finally:
                factory.dispose()

            migrate(url, "0014", down=True)
            columns, lines = columns_and_lines(url)
            assert "message" not in columns and lines == 2, backend
            migrate(url, "0015")
            assert "message" in columns_and_lines(url)[0], backend
