"""Named row locks: ``quota`` serialises quota decisions so concurrent uploads cannot overshoot it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    locks = op.create_table(
        "locks",
        sa.Column("name", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_locks"),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
    )
    op.bulk_insert(locks, [{"name": "quota"}])


def downgrade() -> None:
    op.drop_table("locks")
