"""Migration 0008 turns the new "reminders" e-mail on for the accounts that already exist (a new preference is on by
default), and its downgrade takes it off again."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from eventflow.adapters.sql.migrate import alembic_config


def preferences(url: str) -> list[list[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT notifications FROM users ORDER BY id")).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row) for row in rows]


def migrate(url: str, revision: str, down: bool = False) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            (command.downgrade if down else command.upgrade)(alembic_config(connection), revision)
    finally:
        engine.dispose()


def test_existing_accounts_get_the_reminders_and_a_downgrade_removes_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    migrate(url, "0007")
    engine = create_engine(url)
    with engine.begin() as connection:
        for email, kinds in (("lea@bars.fr", ["mention"]), ("sam@bars.fr", [])):
            connection.execute(
                text("INSERT INTO users (email, email_key, name, name_key, role, active, language, my_bar_ids, "
                     "notifications) VALUES (:e, :e, 'X', 'x', 'member', 1, 'fr', '[]', :n)"),
                {"e": email, "n": json.dumps(kinds)},
            )  # fmt: skip
    engine.dispose()

    migrate(url, "0008")
    assert preferences(url) == [["mention", "reminders"], ["reminders"]]
    migrate(url, "0007", down=True)
    assert preferences(url) == [["mention"], []]
