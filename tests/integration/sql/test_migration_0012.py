"""Migration 0012 gives the accounts that never chose their e-mails the new defaults (only what concerns them: no
more "every deliverable sent to review"), keeps the choices of those who chose, and adds follows, the inbox and the
outbox's groups."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.integration.sql.test_migration_0008 import migrate, preferences

OLD_DEFAULTS = ["review_requested", "review_outcome", "mention", "digest", "reminders"]


def test_untouched_accounts_get_the_new_defaults_and_choices_are_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    migrate(url, "0011")
    engine = create_engine(url)
    accounts = (
        ("camille@bars.fr", OLD_DEFAULTS),  # never chose
        ("lea@bars.fr", ["review_requested"]),  # chose to validate only
        ("alex@bars.fr", ["review_outcome", "mention"]),  # chose what concerns him
        ("sam@bars.fr", []),  # chose nothing
    )
    with engine.begin() as connection:
        for email, kinds in accounts:
            connection.execute(
                text("INSERT INTO users (email, email_key, name, name_key, role, active, language, my_bar_ids, "
                     "notifications) VALUES (:e, :e, 'X', 'x', 'member', 1, 'fr', '[]', :n)"),
                {"e": email, "n": json.dumps(kinds)},
            )  # fmt: skip
    engine.dispose()

    migrate(url, "0012")

    assert preferences(url) == [
        ["assigned", "review_outcome", "mention", "following", "reminders", "digest"],
        ["review_requested"],
        ["review_outcome", "mention", "assigned", "following"],
        [],
    ]
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
        assert {"follows", "notifications"} <= set(tables)
        assert "group_key" in {c["name"] for c in inspect(engine).get_columns("outbox")}
    finally:
        engine.dispose()
    migrate(url, "0011", down=True)
    engine = create_engine(url)
    try:
        assert not {"follows", "notifications"} & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
