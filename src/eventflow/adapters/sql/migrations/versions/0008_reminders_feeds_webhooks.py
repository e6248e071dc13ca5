"""Reminders, calendar feeds and webhooks: the ``reminders`` preference (on for everyone) and the named lock that
makes reminder runs take turns, each night's change counter and time (feeds tell subscribers what moved), feed
secrets (hashed), webhooks and their deliveries.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
OPTIONS: dict[str, Any] = {
    f"{prefix}_{key}": value
    for prefix in MYSQL
    for key, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_unicode_ci"))
}
REMINDERS = "reminders"
REMINDERS_LOCK = "reminders"


def utc() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)


def long_text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL)


def fk(column: str, target: str, owner: str, nullable: bool = True, cascade: bool = False) -> sa.Column[int]:
    """``owner.column`` referring to ``target.id``, named as the metadata's naming convention names it."""
    return sa.Column(
        column,
        sa.Integer,
        sa.ForeignKey(f"{target}.id", name=f"fk_{owner}_{column}_{target}", ondelete="CASCADE" if cascade else None),
        nullable=nullable,
    )


def upgrade() -> None:
    op.add_column("events", sa.Column("sequence", sa.Integer, nullable=False, server_default="0"))
    op.add_column("events", sa.Column("updated_at", utc()))
    _set_reminders(lambda kinds: [*kinds, REMINDERS] if REMINDERS not in kinds else kinds)
    op.bulk_insert(sa.table("locks", sa.column("name", sa.String)), [{"name": REMINDERS_LOCK}])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        fk("created_by", "users", "webhooks"),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
        **OPTIONS,
    )
    op.create_index("ix_webhooks_created_by", "webhooks", ["created_by"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        fk("webhook_id", "webhooks", "webhook_deliveries", nullable=False, cascade=True),
        sa.Column("event_name", sa.String(50), nullable=False),
        sa.Column("body", long_text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", long_text()),
        sa.Column("last_attempt_at", utc()),
        sa.Column("delivered_at", utc()),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("next_attempt_at", utc(), nullable=False),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("claimed_until", utc()),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        **OPTIONS,
    )
    op.create_index("ix_webhook_deliveries_webhook_id", "webhook_deliveries", ["webhook_id"])
    op.create_index("ix_webhook_deliveries_status_next_attempt_at", "webhook_deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        fk("user_id", "users", "feeds"),
        fk("bar_id", "bars", "feeds"),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("secret_hash", name="uq_feeds_secret_hash"),
        **OPTIONS,
    )
    op.create_index("ix_feeds_user_id", "feeds", ["user_id"])
    op.create_index("ix_feeds_bar_id", "feeds", ["bar_id"])


def downgrade() -> None:
    op.drop_table("feeds")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    _set_reminders(lambda kinds: [kind for kind in kinds if kind != REMINDERS])
    op.execute(sa.text("DELETE FROM locks WHERE name = :name").bindparams(name=REMINDERS_LOCK))
    with op.batch_alter_table("events") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("sequence")


def _set_reminders(change: Callable[[list[str]], list[str]]) -> None:
    """Every account's e-mail preferences through ``change`` (a new kind of e-mail is on unless one turns it off)."""
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("notifications", sa.JSON))
    connection = op.get_bind()
    for user_id, kinds in connection.execute(sa.select(users.c.id, users.c.notifications)).all():
        wanted = change(list(kinds or []))
        if wanted != list(kinds or []):
            connection.execute(sa.update(users).where(users.c.id == user_id).values(notifications=wanted))
