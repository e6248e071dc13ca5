"""Review: the current version of each slot, who approved which version, comment anchors, the team's settings.

Every slot that has versions starts with its latest one as current, as it was shown until now; an approved slot
is taken to have approved that version (its approver is unknown: the activity record tells who).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

deliverables = sa.table(
    "deliverables",
    sa.column("id"),
    sa.column("status"),
    sa.column("current_version"),
    sa.column("approved_version"),
)
assets = sa.table("assets", sa.column("deliverable_id"), sa.column("version"))


def upgrade() -> None:
    # Plain ADD COLUMNs (no reference, so SQLite can drop them again without a batch copy of the table, which
    # would drop the old table and, foreign keys being on, its versions and comments with it).
    for column in ("current_version", "approved_version", "approved_by"):
        op.add_column("deliverables", sa.Column(column, sa.Integer(), nullable=True))
    op.add_column("comments", sa.Column("anchor", sa.JSON(none_as_null=True), nullable=True))
    settings = op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("second_pair_of_eyes", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_settings"),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    op.bulk_insert(settings, [{"id": 1, "second_pair_of_eyes": False}])
    latest_versions()


def latest_versions() -> None:
    """Each slot with versions gets its latest as current (and approved, when the slot is approved)."""
    latest = (
        sa.select(sa.func.max(assets.c.version)).where(assets.c.deliverable_id == deliverables.c.id).scalar_subquery()
    )
    op.execute(sa.update(deliverables).values(current_version=latest))
    op.execute(
        sa.update(deliverables)
        .where(deliverables.c.status == "approved")
        .values(approved_version=deliverables.c.current_version)
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_column("comments", "anchor")
    for column in ("approved_by", "approved_version", "current_version"):
        op.drop_column("deliverables", column)
