"""Every table of eventflow's first release.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
OPTIONS: dict[str, Any] = {
    f"{prefix}_{key}": value
    for prefix in MYSQL
    for key, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_unicode_ci"))
}


def utc() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)


def key(length: int) -> sa.types.TypeEngine[str]:
    return (
        sa.String(length)
        .with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), *MYSQL)
        .with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
    )


def long_text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL)


def pk() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def fk(column: str, target: str, owner: str, nullable: bool = True, cascade: bool = False) -> sa.Column[int]:
    """``owner.column`` referring to ``target.id``, named as the metadata's naming convention names it."""
    return sa.Column(
        column,
        sa.Integer,
        sa.ForeignKey(f"{target}.id", name=f"fk_{owner}_{column}_{target}", ondelete="CASCADE" if cascade else None),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "users",
        pk(),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", key(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", key(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("my_bar_ids", sa.JSON, nullable=False),
        sa.Column("notifications", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email_key", name="uq_users_email_key"),
        **OPTIONS,
    )
    op.create_index("ix_users_name_key", "users", ["name_key"])
    op.create_table(
        "bars",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", key(200), nullable=False),
        sa.Column("location", sa.String(300), nullable=False),
        sa.Column("hardware", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bars"),
        sa.UniqueConstraint("name_key", name="uq_bars_name_key"),
        **OPTIONS,
    )
    op.create_table(
        "templates",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", key(200), nullable=False),
        sa.Column("specs", sa.String(500), nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("hardware_kind", sa.String(100)),
        sa.PrimaryKeyConstraint("id", name="pk_templates"),
        sa.UniqueConstraint("name_key", name="uq_templates_name_key"),
        **OPTIONS,
    )
    op.create_table(
        "themes",
        pk(),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", long_text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_themes"),
        sa.UniqueConstraint("year", "month", name="uq_themes_year_month"),
        **OPTIONS,
    )
    op.create_table(
        "tokens",
        pk(),
        fk("user_id", "users", "tokens", nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("last_used_at", utc()),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
        **OPTIONS,
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])
    op.create_table(
        "sessions",
        pk(),
        sa.Column("key_hash", sa.String(128), nullable=False),
        fk("user_id", "users", "sessions", nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("expires_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("key_hash", name="uq_sessions_key_hash"),
        **OPTIONS,
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "events",
        pk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", key(200), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("description", long_text(), nullable=False),
        sa.Column("brief", long_text(), nullable=False),
        sa.Column("notes", long_text(), nullable=False),
        sa.Column("theme_override", sa.String(200)),
        fk("created_by", "users", "events"),
        sa.Column("created_at", utc()),
        sa.Column("archived_at", utc()),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        **OPTIONS,
    )
    op.create_index("ix_events_created_by", "events", ["created_by"])
    op.create_index("ix_events_date_name_key", "events", ["date", "name_key"])
    op.create_table(
        "event_bars",
        fk("event_id", "events", "event_bars", nullable=False, cascade=True),
        fk("bar_id", "bars", "event_bars", nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "bar_id", name="pk_event_bars"),
        **OPTIONS,
    )
    op.create_index("ix_event_bars_bar_id", "event_bars", ["bar_id"])
    op.create_table(
        "deliverables",
        pk(),
        fk("event_id", "events", "deliverables", nullable=False, cascade=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("specs", sa.String(500), nullable=False),
        fk("template_id", "templates", "deliverables"),
        fk("bar_id", "bars", "deliverables"),
        sa.Column("screen_label", sa.String(200)),
        fk("assignee_id", "users", "deliverables"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("approved_at", utc()),
        sa.PrimaryKeyConstraint("id", name="pk_deliverables"),
        **OPTIONS,
    )
    for column in ("event_id", "template_id", "bar_id", "assignee_id", "status"):
        op.create_index(f"ix_deliverables_{column}", "deliverables", [column])
    op.create_table(
        "assets",
        pk(),
        fk("event_id", "events", "assets", nullable=False, cascade=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        fk("uploaded_by", "users", "assets"),
        sa.Column("created_at", utc(), nullable=False),
        fk("deliverable_id", "deliverables", "assets", cascade=True),
        sa.Column("version", sa.Integer),
        sa.Column("category", sa.String(20)),
        sa.Column("location", sa.String(10), nullable=False),
        sa.Column("preview_key", sa.String(255)),
        sa.Column("preview_size", sa.BigInteger, nullable=False),
        sa.Column("media_info", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assets"),
        **OPTIONS,
    )
    for column in ("event_id", "uploaded_by", "deliverable_id"):
        op.create_index(f"ix_assets_{column}", "assets", [column])
    op.create_table(
        "reservations",
        pk(),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reservations"),
        **OPTIONS,
    )
    op.create_index("ix_reservations_created_at", "reservations", ["created_at"])
    op.create_table(
        "comments",
        pk(),
        fk("event_id", "events", "comments", nullable=False, cascade=True),
        fk("author_id", "users", "comments", nullable=False),
        sa.Column("text", long_text(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        fk("deliverable_id", "deliverables", "comments", cascade=True),
        fk("parent_id", "comments", "comments", cascade=True),
        sa.Column("mention_ids", sa.JSON, nullable=False),
        sa.Column("edited_at", utc()),
        sa.Column("deleted_at", utc()),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        **OPTIONS,
    )
    for column in ("event_id", "author_id", "deliverable_id", "parent_id"):
        op.create_index(f"ix_comments_{column}", "comments", [column])
    op.create_table(
        "activity",
        pk(),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("entity_type", sa.String(50), nullable=False),
        sa.Column("entity_id", sa.Integer),
        sa.Column("at", utc(), nullable=False),
        fk("actor_id", "users", "activity"),
        sa.Column("event_id", sa.Integer),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_activity"),
        **OPTIONS,
    )
    for column in ("at", "actor_id", "event_id"):
        op.create_index(f"ix_activity_{column}", "activity", [column])


def downgrade() -> None:
    for table in (
        "activity",
        "comments",
        "reservations",
        "assets",
        "deliverables",
        "event_bars",
        "events",
        "sessions",
        "tokens",
        "themes",
        "templates",
        "bars",
        "users",
    ):
        op.drop_table(table)
