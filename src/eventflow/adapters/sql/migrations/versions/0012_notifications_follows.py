"""Follows of nights and in-app notifications; e-mails that concern their reader by default.

- ``follows``: who chose to follow a night, or to stop following it (whoever planned a night, is assigned to one of
  its slots, uploaded to it or commented on it follows it without a row: nothing to fill in).
- ``notifications``: each person's in-app inbox (empty at first).
- ``outbox.group_key``: messages of one group still pending leave as one e-mail (bursts of uploads).
- E-mail preferences: an account that kept every e-mail of the old defaults (it never chose) gets the new defaults,
  only what concerns it; an account that chose keeps its choice, plus the new personal kinds (slots assigned to it,
  nights it follows) when it kept at least one personal kind (review outcome, mentions, reminders or digest).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
OPTIONS: dict[str, Any] = {
    f"{prefix}_{key}": value
    for prefix in MYSQL
    for key, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_unicode_ci"))
}
OLD_DEFAULTS = {"review_requested", "review_outcome", "mention", "digest", "reminders"}
NEW_DEFAULTS = ["assigned", "review_outcome", "mention", "following", "reminders", "digest"]
PERSONAL = {"review_outcome", "mention", "reminders", "digest"}
NEW_PERSONAL = ["assigned", "following"]


def utc() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)


def fk(column: str, target: str, owner: str, cascade: bool = True) -> sa.Column[int]:
    return sa.Column(
        column,
        sa.Integer,
        sa.ForeignKey(f"{target}.id", name=f"fk_{owner}_{column}_{target}", ondelete="CASCADE" if cascade else None),
        nullable=False,
    )


def new_preferences(kinds: list[str]) -> list[str]:
    """What an account's e-mail preferences become (see the module's docstring)."""
    if set(kinds) >= OLD_DEFAULTS:
        return list(NEW_DEFAULTS)
    if PERSONAL & set(kinds):
        return [*kinds, *(kind for kind in NEW_PERSONAL if kind not in kinds)]
    return list(kinds)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("group_key", sa.String(100)))
    op.create_index("ix_outbox_group_key", "outbox", ["group_key"])
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        fk("event_id", "events", "follows"),
        fk("user_id", "users", "follows"),
        sa.Column("following", sa.Boolean, nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_follows"),
        sa.UniqueConstraint("event_id", "user_id", name="uq_follows_event_id_user_id"),
        **OPTIONS,
    )
    op.create_index("ix_follows_event_id", "follows", ["event_id"])
    op.create_index("ix_follows_user_id", "follows", ["user_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        fk("user_id", "users", "notifications"),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("event_id", sa.Integer),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("read_at", utc()),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        **OPTIONS,
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])
    op.create_index("ix_notifications_user_id_read_at", "notifications", ["user_id", "read_at"])
    _migrate_preferences()


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("follows")
    op.drop_index("ix_outbox_group_key", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("group_key")


def _migrate_preferences() -> None:
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("notifications", sa.JSON))
    connection = op.get_bind()
    for user_id, kinds in connection.execute(sa.select(users.c.id, users.c.notifications)).all():
        wanted = new_preferences(list(kinds or []))
        if wanted != list(kinds or []):
            connection.execute(sa.update(users).where(users.c.id == user_id).values(notifications=wanted))
