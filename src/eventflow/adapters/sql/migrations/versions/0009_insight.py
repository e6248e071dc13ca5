"""When each slot entered its status (``deliverables.status_since``), for the risk forecast.

Slots approved before this revision take their approval time; the others' time is unknown (NULL) until their status
next changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def utc() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.add_column("deliverables", sa.Column("status_since", utc()))
    slots = sa.table("deliverables", sa.column("status"), sa.column("approved_at"), sa.column("status_since"))
    op.execute(slots.update().where(slots.c.status == "approved").values(status_since=slots.c.approved_at))


def downgrade() -> None:
    with op.batch_alter_table("deliverables") as batch:
        batch.drop_column("status_since")
