"""The outbox: e-mails queued with the change they tell about, sent and retried by the outbox sender.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
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


def long_text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("text", long_text(), nullable=False),
        sa.Column("html", long_text()),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_outbox_user_id_users")),
        sa.Column("event_id", sa.Integer),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", long_text()),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("next_attempt_at", utc(), nullable=False),
        sa.Column("sent_at", utc()),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("claimed_until", utc()),
        sa.Column("dedupe_key", sa.String(200)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        **OPTIONS,
    )
    op.create_index("ix_outbox_created_at", "outbox", ["created_at"])
    op.create_index("ix_outbox_user_id", "outbox", ["user_id"])
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
