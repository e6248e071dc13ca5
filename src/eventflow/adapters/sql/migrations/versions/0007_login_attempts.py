"""Failed logins counted in the database (shared by every process and host), and the prefix that tells tokens apart.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "0007"
down_revision = "0006"
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


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", key(320), nullable=False),
        sa.Column("address", key(100), nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
        **OPTIONS,
    )
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.create_index("ix_login_failures_email_at", "login_failures", ["email", "at"])
    op.create_index("ix_login_failures_address_at", "login_failures", ["address", "at"])
    op.add_column("tokens", sa.Column("prefix", sa.String(16)))
    op.create_index("ix_tokens_prefix", "tokens", ["prefix"])


def downgrade() -> None:
    op.drop_index("ix_tokens_prefix", "tokens")
    with op.batch_alter_table("tokens") as tokens:  # SQLite drops a column by copying the table
        tokens.drop_column("prefix")
    op.drop_table("login_failures")
