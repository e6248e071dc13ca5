"""Quota holds and unfinished uploads owned by a lease; an asset remembers the resumable upload it came from.

A lease (a running process, renewed by its heartbeat, or an unfinished resumable upload) keeps temporary files and
quota holds alive; what a dead lease kept is reclaimed. The holds of the old scheme belonged to no lease: they are
dropped with the table they lived in (holds are only ever held by uploads under way, and an upgrade restarts them).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0006"
down_revision = "0005"
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


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("expires_at", utc(), nullable=False),
        sa.Column("host", sa.String(255)),
        sa.Column("pid", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_leases"),
        **OPTIONS,
    )
    op.drop_table("reservations")
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lease_id", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_reservations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name="pk_reservations"),
        **OPTIONS,
    )
    for column in ("lease_id", "created_at", "user_id"):
        op.create_index(f"ix_reservations_{column}", "reservations", [column])
    op.add_column("assets", sa.Column("upload_id", sa.String(32)))
    op.create_index("uq_assets_upload_id", "assets", ["upload_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_assets_upload_id", "assets")
    op.drop_column("assets", "upload_id")
    op.drop_table("reservations")
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reservations"),
        **OPTIONS,
    )
    op.create_index("ix_reservations_created_at", "reservations", ["created_at"])
    op.drop_table("leases")
