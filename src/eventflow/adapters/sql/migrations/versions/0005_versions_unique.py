"""Version numbers unique per slot, and a change counter on slots (their ETag).

Concurrent uploads could once give two files the same version number of a slot: those are renumbered first,
1, 2, 3… in upload order (by id), so the unique index can be made; slots without duplicates keep their numbers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

assets = sa.table("assets", sa.column("id"), sa.column("deliverable_id"), sa.column("version"))


def upgrade() -> None:
    renumber_duplicate_versions()
    op.create_index("uq_assets_deliverable_id_version", "assets", ["deliverable_id", "version"], unique=True)
    op.add_column("deliverables", sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))


def renumber_duplicate_versions() -> None:
    """The versions of each slot that has a number twice become 1, 2, 3… in the order they were stored."""
    connection = op.get_bind()
    versions = connection.execute(
        sa.select(assets.c.id, assets.c.deliverable_id, assets.c.version)
        .where(assets.c.deliverable_id.is_not(None))
        .order_by(assets.c.deliverable_id, assets.c.id)
    ).all()
    for _slot, rows in groupby(versions, key=lambda row: row.deliverable_id):
        slot_versions = list(rows)
        if len({row.version for row in slot_versions}) == len(slot_versions):
            continue
        for number, row in enumerate(slot_versions, start=1):
            if row.version != number:
                connection.execute(sa.update(assets).where(assets.c.id == row.id).values(version=number))


def downgrade() -> None:
    op.drop_column("deliverables", "row_version")
    op.drop_index("uq_assets_deliverable_id_version", table_name="assets")
